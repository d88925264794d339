"""Entities migrated from CAL-ACCESS, learned from filings' `legacy_batch_imported` events.

Each entity a batch names becomes a known entity of legacy origin, so an access code can be issued for it and
claim it. An entity accounts already knows keeps what it has (its origin, its name and its address of record,
which `cars-accounts-admin record-legacy-entity` sets), so redelivered and later batches change nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.domain import entity_links as rules
from accounts.links.models import KnownEntity

CHUNK = 500


def migrated_name(entity_id: str) -> str:
    """The name a migrated entity is known by until its name of record is set (as filings names it)."""
    return f"CAL-ACCESS filer {entity_id}"


def record_migrated_entities(session: Session, event: dict[str, Any]) -> list[str]:
    """Record the batch's entities accounts has not heard of as migrated (claimable); the IDs recorded."""
    ids = list(dict.fromkeys(event["payload"].get("entity_ids", [])))
    known: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        known.update(session.scalars(select(KnownEntity.entity_id).where(KnownEntity.entity_id.in_(chunk))))
    now = datetime.now(UTC)
    added = [entity_id for entity_id in ids if entity_id not in known]
    session.add_all(
        KnownEntity(entity_id=entity_id, name=migrated_name(entity_id), origin=rules.LEGACY_ORIGIN, recorded_at=now)
        for entity_id in added
    )
    session.flush()
    return added
