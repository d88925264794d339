"""The outbox relay: publishes committed events in order, with publisher confirms, and marks them sent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import amqp
import kombu
from sqlalchemy import bindparam, select, text, update

from cars_shared.bus import PERSISTENT, event_exchange
from cars_shared.db import Database
from cars_shared.logging import get_logger
from cars_shared.messaging_tables import outbox

log = get_logger(__name__)

# Advisory lock key that lets only one relay of a service publish at a time, keeping order.
RELAY_LOCK_KEY = 0x0CA75

PUBLISH = amqp.spec.Basic.Publish

# The relay's statements, built once: building one costs more than running it.
LOCK = text("SELECT pg_advisory_xact_lock(:key)")
PENDING = (
    select(outbox.c.id, outbox.c.producer, outbox.c.event_type, outbox.c.envelope)
    .where(outbox.c.published_at.is_(None))
    .order_by(outbox.c.id)
    .limit(bindparam("limit"))
)
MARK_PUBLISHED = (
    update(outbox)
    .where(outbox.c.id.in_(bindparam("ids", expanding=True)))
    .values(published_at=bindparam("now"), attempts=outbox.c.attempts + 1, last_error=None)
)


class PublishRefused(Exception):
    """The broker refused (nacked) or did not confirm a message in time."""


@dataclass(frozen=True)
class PendingEvent:
    id: int
    producer: str
    event_type: str
    envelope: dict[str, Any]


class ConfirmedChannel:
    """One broker connection with publisher confirms: sends a batch of messages, then waits until the broker has
    confirmed all of them (or raises PublishRefused and drops the connection, so the next batch reconnects).

    Subclasses say what to declare on a fresh channel (`_on_connect`) and turn their batch into messages.
    """

    # The log event when discarding a broken connection fails.
    release_failed_event = "publisher_connection_release_failed"

    def __init__(self, amqp_uri: str, confirm_timeout: float = 10.0) -> None:
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self._connection: kombu.Connection | None = None
        self._channel: Any = None
        self._published = 0
        self._confirmed = 0
        self._nacked = False

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._confirmed = max(self._confirmed, delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked = True

    def _on_connect(self, channel: Any) -> None:
        """Called on each new channel before confirms are switched on (declarations, per-connection state)."""

    def ensure(self) -> Any:
        """The open channel, connecting first if need be."""
        if self._channel is not None and self._connection is not None and self._connection.connected:
            return self._channel
        self.close()
        connection = kombu.Connection(self.amqp_uri, connect_timeout=5)
        connection.ensure_connection(max_retries=1)
        channel = connection.channel()
        self._on_connect(channel)
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._connection, self._channel = connection, channel
        self._published, self._confirmed, self._nacked = 0, 0, False
        return channel

    def publish_confirmed(self, messages: Callable[[Any], Iterable[tuple[str, str, amqp.Message]]]) -> None:
        """Send `messages(channel)`'s (exchange, routing key, message) in order; returns once all are confirmed.

        Raises PublishRefused when the broker nacks one or does not confirm within `confirm_timeout`; on any
        failure the connection is closed.
        """
        channel = self.ensure()
        try:
            for exchange, routing_key, message in messages(channel):
                # basic.publish as `channel.basic_publish` sends it, without its poll of the socket before every
                # message (for a connection.blocked notice): a blocked broker shows as confirms not coming in time.
                channel.send_method(PUBLISH, "Bssbb", (0, exchange, routing_key, False, False), message)
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
                log.debug(self.release_failed_event, exc_info=True)
        self._connection = self._channel = None


class ConfirmingPublisher(ConfirmedChannel):
    """Publishes a batch of events to nameko event exchanges and waits for the broker to confirm all.

    Each envelope is written once as JSON and sent straight on the channel: the envelopes come from the outbox's
    JSON column, so they need none of kombu's per-message serialiser lookup, and one wait covers the batch.
    """

    def __init__(self, amqp_uri: str, confirm_timeout: float = 10.0) -> None:
        super().__init__(amqp_uri, confirm_timeout)
        self._declared: set[str] = set()

    def _on_connect(self, channel: Any) -> None:
        self._declared = set()

    def _exchange(self, channel: Any, producer: str) -> str:
        """The producer's event exchange, declared once per connection (as nameko declares it)."""
        exchange = event_exchange(producer)
        if exchange.name not in self._declared:
            exchange(channel).declare()
            self._declared.add(exchange.name)
        return exchange.name

    def publish(self, events: Sequence[PendingEvent]) -> None:
        """Publish all, in order; returns once every one is confirmed, raises otherwise."""

        def messages(channel: Any) -> Iterator[tuple[str, str, amqp.Message]]:
            exchanges: dict[str, str] = {}
            for pending in events:
                exchange = exchanges.get(pending.producer)
                if exchange is None:
                    exchange = exchanges[pending.producer] = self._exchange(channel, pending.producer)
                envelope = pending.envelope
                message = amqp.Message(
                    json.dumps(envelope).encode(),
                    content_type="application/json",
                    content_encoding="utf-8",
                    delivery_mode=PERSISTENT,
                    message_id=envelope["event_id"],
                    application_headers={"nameko.correlation_id": envelope.get("correlation_id")},
                )
                yield exchange, pending.event_type, message

        self.publish_confirmed(messages)


def publish_until_stopped(
    publish_pending: Callable[[], int],
    stopping: Callable[[], bool],
    *,
    poll_seconds: float,
    max_backoff: float,
    sleep: Callable[[float], None],
    retry_event: str,
    on_failure: Callable[[Exception], None] | None = None,
) -> None:
    """Call `publish_pending()` until `stopping()` is true, backing off (doubling up to `max_backoff`) after a
    failure; an idle loop looks less often (up to 4 x `poll_seconds`) and at once again when it finds work.
    """
    backoff = 0.0
    idle = poll_seconds
    while not stopping():
        try:
            published = publish_pending()
            backoff = 0.0
        except Exception as error:  # noqa: BLE001 - any failure means: wait and try again
            backoff = min(max_backoff, backoff * 2 or 0.1)
            log.warning(retry_event, error=repr(error), backoff=backoff)
            if on_failure is not None:
                on_failure(error)
            sleep(backoff)
            continue
        if published == 0:
            sleep(idle)
            idle = min(idle * 2, poll_seconds * 4)
        else:
            idle = poll_seconds


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
                session.execute(LOCK, {"key": RELAY_LOCK_KEY})
            rows = session.execute(PENDING, {"limit": self.batch_size}).all()
            if not rows:
                return 0
            pending = [PendingEvent(*row) for row in rows]
            self.publisher.publish(pending)
            session.execute(MARK_PUBLISHED, {"ids": [p.id for p in pending], "now": datetime.now(UTC)})
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
        publish_until_stopped(
            self.publish_pending,
            stopping,
            poll_seconds=poll_seconds,
            max_backoff=self.max_backoff,
            sleep=sleep,
            retry_event="outbox_relay_retry",
            on_failure=self._record_failure,
        )
        self.publisher.close()
