"""Inbox: a consumer's record of handled events, written in the same transaction as the effect."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cars_shared.db import Database
from cars_shared.events.envelope import read_event
from cars_shared.logging import bound_contextvars, get_logger
from cars_shared.messaging_tables import inbox
from cars_shared.parking import ParkingLot

log = get_logger(__name__)

EventHandler = Callable[[Session, dict[str, Any]], None]
BatchHandler = Callable[[Session, list[dict[str, Any]]], None]
"""Handles the new events of a batch as one list, in one transaction (to work on them as a whole)."""
Relevance = Callable[[dict[str, Any]], bool]
"""Whether a checked event is any of a handler's business; one that is not is acked without a transaction."""


def claim(session: Session, consumer: str, event_ids: list[str]) -> set[str]:
    """Record events as handled by `consumer`; returns the ids not recorded before (one statement)."""
    if not event_ids:
        return set()
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    now = datetime.now(UTC)
    rows = [{"consumer": consumer, "event_id": event_id, "processed_at": now} for event_id in dict.fromkeys(event_ids)]
    # One cached statement run over many parameter sets (SQLAlchemy sends them as one multi-row INSERT).
    statement = insert(inbox).on_conflict_do_nothing().returning(inbox.c.event_id)
    return set(session.execute(statement, rows).scalars())


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

    def _read_or_park(self, consumer: str, queue: str, body: Any) -> dict[str, Any] | None:
        """The checked envelope, or None once a malformed body (it will not improve) is parked."""
        try:
            return read_event(body)
        except ValidationError as invalid:
            self.parking.park(queue=queue, consumer=consumer, body=body, error=invalid)
            log.error("event_parked", queue=queue, error=repr(invalid))
            return None

    def handle_batch(
        self, consumer: str, queue: str, bodies: list[Any], handler: EventHandler, relevant: Relevance | None = None
    ) -> list[str]:
        """Handle several events in one transaction; if any fails, each is handled on its own instead.

        Returns one outcome per body, as `handle` does, or 'ignored' for an event `relevant` says is none of
        the handler's business: it is acked without a transaction (doing nothing needs no inbox record).
        """

        def each(session: Session, events: list[dict[str, Any]]) -> None:
            for event in events:
                with bound_contextvars(correlation_id=event["correlation_id"], event_id=str(event["event_id"])):
                    handler(session, event)

        return self._handle_batch(consumer, queue, bodies, each, handler, relevant)

    def handle_batch_together(
        self, consumer: str, queue: str, bodies: list[Any], handler: BatchHandler, relevant: Relevance | None = None
    ) -> list[str]:
        """As `handle_batch`, but `handler` gets the batch's new events as one list, once (none: not called).

        Redone event by event after a failure, it gets a list of one event at a time.
        """
        return self._handle_batch(
            consumer, queue, bodies, handler, lambda session, event: handler(session, [event]), relevant
        )

    def _handle_batch(
        self,
        consumer: str,
        queue: str,
        bodies: list[Any],
        handle_new: BatchHandler,
        handle_one: EventHandler,
        relevant: Relevance | None,
    ) -> list[str]:
        events = [self._read_or_park(consumer, queue, body) for body in bodies]
        wanted = [event is not None and (relevant is None or relevant(event)) for event in events]
        if not any(wanted):
            return ["parked" if event is None else "ignored" for event in events]
        outcomes: list[str] = []
        try:
            with self.database.session() as session:
                claimed = [str(event["event_id"]) for event, want in zip(events, wanted, strict=True) if want]
                fresh = claim(session, consumer, claimed)
                new: list[dict[str, Any]] = []
                for event, want in zip(events, wanted, strict=True):
                    if event is None:
                        outcomes.append("parked")
                    elif not want:
                        outcomes.append("ignored")
                    elif str(event["event_id"]) not in fresh:
                        log.info("event_duplicate_ignored", event_id=str(event["event_id"]), consumer=consumer)
                        outcomes.append("duplicate")
                    else:
                        fresh.discard(str(event["event_id"]))
                        new.append(event)
                        outcomes.append("handled")
                if new:
                    handle_new(session, new)
        except Exception as exc:  # noqa: BLE001 - the batch is redone event by event, isolating the failure
            log.warning("event_batch_failed", size=len(events), error=repr(exc))
            return [
                "parked" if event is None else self.handle(consumer, queue, body, handle_one) if want else "ignored"
                for body, event, want in zip(bodies, events, wanted, strict=True)
            ]
        # One line per batch, naming every event and correlation id in it, keeps each traceable cheaply.
        log.info(
            "event_batch_handled",
            consumer=consumer,
            size=len(events),
            handled=outcomes.count("handled"),
            event_ids=[str(event["event_id"]) for event in events if event is not None],
            correlation_ids=sorted({str(event["correlation_id"]) for event in events if event is not None}),
        )
        return outcomes

    def handle(self, consumer: str, queue: str, body: dict[str, Any], handler: EventHandler) -> str:
        """Returns 'handled', 'duplicate' or 'parked'; raises only if parking itself failed."""
        # Anything may arrive on a queue; a body that is not an object is parked below, not crashed on.
        fields = body if isinstance(body, dict) else {}
        event_id = str(fields.get("event_id", ""))
        with bound_contextvars(correlation_id=fields.get("correlation_id"), event_id=event_id, consumer=consumer):
            event = self._read_or_park(consumer, queue, body)
            if event is None:
                return "parked"
            error: Exception | None = None
            for attempt in range(1, self.attempts + 1):
                try:
                    with self.database.session() as session:
                        if not claim(session, consumer, [event_id]):
                            log.info("event_duplicate_ignored")
                            return "duplicate"
                        handler(session, event)
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
