"""Inbox: a consumer's record of handled events, written in the same transaction as the effect."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cars_shared.db import Database
from cars_shared.events.envelope import read_event
from cars_shared.logging import bound_contextvars, get_logger
from cars_shared.messaging_tables import inbox
from cars_shared.parking import ParkingLot

log = get_logger(__name__)

EventHandler = Callable[[Session, dict[str, Any]], None]


def already_handled(session: Session, consumer: str, event_id: str) -> bool:
    return (
        session.execute(
            select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
        ).first()
        is not None
    )


def record_handled(session: Session, consumer: str, event_id: str) -> None:
    """Mark the event handled; a concurrent duplicate fails on the primary key and rolls back."""
    session.execute(insert(inbox).values(consumer=consumer, event_id=event_id, processed_at=datetime.now(UTC)))


class EventConsumer:
    """Runs a handler once per event id, retrying with backoff, parking what keeps failing."""

    def __init__(
        self,
        database: Database,
        parking: ParkingLot,
        attempts: int = 5,
        first_backoff: float = 0.2,
        max_backoff: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.database = database
        self.parking = parking
        self.attempts = attempts
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.sleep = sleep

    def handle(self, consumer: str, queue: str, body: dict[str, Any], handler: EventHandler) -> str:
        """Returns 'handled', 'duplicate' or 'parked'; raises only if parking itself failed."""
        # Anything may arrive on a queue; a body that is not an object is parked below, not crashed on.
        fields = body if isinstance(body, dict) else {}
        event_id = str(fields.get("event_id", ""))
        with bound_contextvars(correlation_id=fields.get("correlation_id"), event_id=event_id, consumer=consumer):
            try:
                event = read_event(body)
            except ValidationError as invalid:
                # A malformed event will not improve with retries: park it at once.
                self.parking.park(queue=queue, consumer=consumer, body=body, error=invalid)
                log.error("event_parked", queue=queue, error=repr(invalid))
                return "parked"
            error: Exception | None = None
            for attempt in range(1, self.attempts + 1):
                try:
                    with self.database.session() as session:
                        if already_handled(session, consumer, event_id):
                            log.info("event_duplicate_ignored")
                            return "duplicate"
                        handler(session, event)
                        record_handled(session, consumer, event_id)
                    log.info("event_handled", attempt=attempt)
                    return "handled"
                except Exception as exc:  # noqa: BLE001 - every failure is retried, then parked
                    error = exc
                    log.warning("event_handler_failed", attempt=attempt, error=repr(exc))
                    if attempt < self.attempts:
                        self.sleep(min(self.max_backoff, self.first_backoff * 2 ** (attempt - 1)))
            self.parking.park(queue=queue, consumer=consumer, body=body, error=error)
            log.error("event_parked", queue=queue, error=repr(error))
            return "parked"
