"""Form 410, Statement of Organization: what registering a committee states (the minimal part)."""

from __future__ import annotations

from dataclasses import dataclass

from filings.domain.entities import EntityType


@dataclass(frozen=True)
class CommitteeRegistration:
    name: str
    committee_type: EntityType
    treasurer_name: str
    street: str
    city: str
    state: str
    zip: str
    email: str
