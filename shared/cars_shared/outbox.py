"""Outbox: events written in the business transaction, then published by the relay."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from cars_shared.messaging_tables import outbox

INSERT = insert(outbox)
"""Built once: building a statement costs more than running this one."""


def add(session: Session, event: dict[str, Any]) -> None:
    """Queue an envelope for publishing; it is sent only if the caller's transaction commits."""
    add_all(session, [event])


def add_all(session: Session | Connection, events: Sequence[dict[str, Any]]) -> None:
    """Queue envelopes for publishing in the order given, in one statement; sent only if the transaction commits
    (a migration passes its connection).

    The relay publishes in outbox id order, and the rows of one multi-row INSERT take their ids in order.
    """
    if not events:
        return
    now = datetime.now(UTC)
    rows = [
        {
            "event_id": event["event_id"],
            "producer": event["producer"],
            "event_type": event["type"],
            "envelope": event,
            "created_at": now,
            "attempts": 0,
        }
        for event in events
    ]
    # A list of parameter sets runs as one multi-row INSERT (SQLAlchemy's insertmanyvalues), one round trip.
    session.execute(INSERT, rows)
