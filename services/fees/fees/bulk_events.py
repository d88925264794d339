"""Queueing many events of one type in one statement, for the batch jobs (thousands of fee_assessed at once).

Building each envelope with `make_event` costs a marshmallow dump and load per event, several times the
cost of storing it. Every payload of a batch is made by the same code from the same columns, so the first
goes through `make_event` (checked against its contract) and each other one, holding the same fields with
values of the same Python types, is dumped the same way; one that does not goes through `make_event` too.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox
from fees import SERVICE
from fees.bulk_insert import insert_rows


def _json_value(value: Any) -> Any:
    """A payload value as the contracts' fields dump it (dates and times as ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _shape(payload: dict[str, Any]) -> tuple[tuple[str, type], ...]:
    return tuple(sorted((name, type(value)) for name, value in payload.items()))


def queue_events(session: Session, event_type: str, payloads: Sequence[dict[str, Any]], *, correlation_id: str) -> int:
    """Queue one `event_type` event per payload in the caller's transaction (one INSERT); returns how many."""
    if not payloads:
        return 0
    first = make_event(SERVICE, event_type, payloads[0], correlation_id=correlation_id)
    dumped_first = {name: _json_value(value) for name, value in payloads[0].items()}
    fast = dumped_first == first["payload"] and None not in dumped_first.values()
    shape = _shape(payloads[0])
    envelopes = [first]
    for payload in payloads[1:]:
        if fast and _shape(payload) == shape:
            dumped = {name: _json_value(value) for name, value in payload.items()}
            envelopes.append({**first, "event_id": str(uuid.uuid4()), "payload": dumped})
        else:
            envelopes.append(make_event(SERVICE, event_type, payload, correlation_id=correlation_id))
    created_at = datetime.now(UTC)
    insert_rows(
        session,
        outbox,
        [
            {
                "event_id": envelope["event_id"],
                "producer": SERVICE,
                "event_type": event_type,
                "envelope": envelope,
                "created_at": created_at,
                "attempts": 0,
            }
            for envelope in envelopes
        ],
    )
    return len(envelopes)
