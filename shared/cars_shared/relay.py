"""The outbox relay: publishes committed events in order, with publisher confirms, and marks them sent."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import kombu
from sqlalchemy import select, text, update

from cars_shared.bus import event_exchange
from cars_shared.db import Database
from cars_shared.logging import get_logger
from cars_shared.messaging_tables import outbox

log = get_logger(__name__)

# Advisory lock key that lets only one relay of a service publish at a time, keeping order.
RELAY_LOCK_KEY = 0x0CA75


class PublishRefused(Exception):
    """The broker refused (nacked) or did not confirm a message in time."""


@dataclass(frozen=True)
class PendingEvent:
    id: int
    producer: str
    event_type: str
    envelope: dict[str, Any]


class ConfirmingPublisher:
    """Publishes a batch of events to nameko event exchanges and waits for the broker to confirm all."""

    def __init__(self, amqp_uri: str, confirm_timeout: float = 10.0) -> None:
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self._connection: kombu.Connection | None = None
        self._producer: kombu.Producer | None = None
        self._declared: set[str] = set()
        self._exchanges: dict[str, kombu.Exchange] = {}
        self._published = 0
        self._confirmed = 0
        self._nacked = False

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._confirmed = max(self._confirmed, delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked = True

    def _ensure(self) -> kombu.Producer:
        if self._producer is not None and self._connection is not None and self._connection.connected:
            return self._producer
        self.close()
        connection = kombu.Connection(self.amqp_uri, connect_timeout=5)
        connection.ensure_connection(max_retries=1)
        channel = connection.channel()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._connection, self._producer = connection, kombu.Producer(channel)
        self._declared, self._published, self._confirmed, self._nacked = set(), 0, 0, False
        return self._producer

    def publish(self, events: Sequence[PendingEvent]) -> None:
        """Publish all, in order; returns once every one is confirmed, raises otherwise."""
        producer = self._ensure()
        try:
            for pending in events:
                exchange = self._exchanges.get(pending.producer)
                if exchange is None:
                    exchange = self._exchanges[pending.producer] = event_exchange(pending.producer)
                if exchange.name not in self._declared:
                    exchange(producer.channel).declare()
                    self._declared.add(exchange.name)
                envelope = pending.envelope
                producer.publish(
                    envelope,
                    exchange=exchange,
                    routing_key=pending.event_type,
                    serializer="json",
                    delivery_mode=2,
                    headers={"nameko.correlation_id": envelope.get("correlation_id")},
                    message_id=envelope["event_id"],
                    retry=False,
                )
                self._published += 1
            deadline = time.monotonic() + self.confirm_timeout
            while self._confirmed < self._published and not self._nacked:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PublishRefused("broker did not confirm in time")
                self._connection.drain_events(timeout=remaining)
            if self._nacked:
                raise PublishRefused("broker refused a message")
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - the connection is being discarded anyway
                log.debug("publisher_connection_release_failed", exc_info=True)
        self._connection = self._producer = None


class OutboxRelay:
    """Moves committed outbox rows to the broker in id order, at least once, never out of order."""

    def __init__(
        self,
        database: Database,
        publisher: ConfirmingPublisher,
        batch_size: int = 500,
        max_backoff: float = 5.0,
    ) -> None:
        self.database = database
        self.publisher = publisher
        self.batch_size = batch_size
        self.max_backoff = max_backoff

    def publish_pending(self) -> int:
        """Publish one batch of pending events; returns how many were published."""
        with self.database.session() as session:
            if self.database.is_postgres:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RELAY_LOCK_KEY})
            rows = session.execute(
                select(outbox.c.id, outbox.c.producer, outbox.c.event_type, outbox.c.envelope)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.id)
                .limit(self.batch_size)
            ).all()
            if not rows:
                return 0
            pending = [PendingEvent(*row) for row in rows]
            self.publisher.publish(pending)
            session.execute(
                update(outbox)
                .where(outbox.c.id.in_([p.id for p in pending]))
                .values(published_at=datetime.now(UTC), attempts=outbox.c.attempts + 1, last_error=None)
            )
            return len(pending)

    def _record_failure(self, error: Exception) -> None:
        try:
            with self.database.session() as session:
                first = session.execute(
                    select(outbox.c.id).where(outbox.c.published_at.is_(None)).order_by(outbox.c.id).limit(1)
                ).scalar()
                if first is not None:
                    session.execute(
                        update(outbox)
                        .where(outbox.c.id == first)
                        .values(attempts=outbox.c.attempts + 1, last_error=repr(error)[:2000])
                    )
        except Exception:  # noqa: BLE001 - the database may be the thing that is down
            log.warning("outbox_failure_not_recorded", exc_info=True)

    def run(
        self, stopping: Callable[[], bool], poll_seconds: float = 0.05, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        """Relay until `stopping()` is true, backing off while the broker or database is away.

        An idle relay looks less often (up to 4 x `poll_seconds`) and at once again when it finds events.
        """
        backoff = 0.0
        idle = poll_seconds
        while not stopping():
            try:
                published = self.publish_pending()
                backoff = 0.0
            except Exception as error:  # noqa: BLE001 - any failure means: wait and try again
                backoff = min(self.max_backoff, backoff * 2 or 0.1)
                log.warning("outbox_relay_retry", error=repr(error), backoff=backoff)
                self._record_failure(error)
                sleep(backoff)
                continue
            if published == 0:
                sleep(idle)
                idle = min(idle * 2, poll_seconds * 4)
            else:
                idle = poll_seconds
        self.publisher.close()
