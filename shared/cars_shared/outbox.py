"""Outbox: events written in the business transaction, then published by the relay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from cars_shared.messaging_tables import outbox


def add(session: Session, event: dict[str, Any]) -> None:
    """Queue an envelope for publishing; it is sent only if the caller's transaction commits."""
    session.execute(
        insert(outbox).values(
            event_id=event["event_id"],
            producer=event["producer"],
            event_type=event["type"],
            envelope=event,
            created_at=datetime.now(UTC),
            attempts=0,
        )
    )
