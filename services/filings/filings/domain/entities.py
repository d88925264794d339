"""Filing entities: their types, statuses, the roles that may file for them and the legacy ID space."""

from __future__ import annotations

from enum import StrEnum


class EntityType(StrEnum):
    RECIPIENT_COMMITTEE = "recipient_committee"
    PRIMARILY_FORMED_COMMITTEE = "primarily_formed_committee"
    GENERAL_PURPOSE_COMMITTEE = "general_purpose_committee"
    MAJOR_DONOR_COMMITTEE = "major_donor_committee"
    INDEPENDENT_EXPENDITURE_COMMITTEE = "independent_expenditure_committee"
    CANDIDATE = "candidate"
    LOBBYIST = "lobbyist"
    LOBBYING_FIRM = "lobbying_firm"
    LOBBYIST_EMPLOYER = "lobbyist_employer"
    LOBBYING_COALITION = "lobbying_coalition"
    PERSON_SPENDING_TO_INFLUENCE = "person_spending_to_influence"
    """Files Form 645 without employing a lobbyist (CAL-ACCESS entity code IND)."""


COMMITTEE_TYPES: tuple[EntityType, ...] = (
    EntityType.RECIPIENT_COMMITTEE,
    EntityType.PRIMARILY_FORMED_COMMITTEE,
    EntityType.GENERAL_PURPOSE_COMMITTEE,
)
"""Committee types a Statement of Organization (Form 410) registers."""


class EntityStatus(StrEnum):
    ACTIVE = "active"
    TERMINATED = "terminated"


REGISTRANT_ROLE = "officer"
"""The role of the user who registered an entity."""

FILING_ROLES: frozenset[str] = frozenset({"officer", "agent"})
"""Roles on an entity that may file for it; a viewer may only read."""

READING_ROLES: frozenset[str] = FILING_ROLES | {"viewer"}
"""Roles on an entity that may read its filings in full, private fields included."""

FIRST_ENTITY_ID = 2_000_000
"""New entity IDs continue above the legacy CAL-ACCESS filer IDs (which stay below 2,000,000)."""


def may_file(role: str | None) -> bool:
    """Whether a user holding `role` on an entity may file for it."""
    return role in FILING_ROLES
