"""The AMQP channel: tails the feed in sequence order to the `cars.public` exchange with publisher confirms.

A watermark row records the last sequence the broker confirmed; after a crash or a broker outage the publisher
resumes from it. An event confirmed but not yet recorded is sent again: partners keep each event id once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import amqp
import kombu
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cars_shared.bus import PERSISTENT
from cars_shared.db import Database
from cars_shared.relay import ConfirmedChannel, PublishRefused, publish_until_stopped
from notify.partners import feed
from notify.partners.contracts import EXCHANGE
from notify.partners.models import FeedWatermark

CHANNEL = "amqp"
# Only one publisher of the feed runs at a time (several notify workers may be up), keeping the order.
PUBLISHER_LOCK_KEY = 0x0CA7_5B
LOCK = text("SELECT pg_advisory_xact_lock(:key)")

__all__ = ["ConfirmingChannel", "FeedPublisher", "PublishRefused", "public_exchange", "watermark"]


def public_exchange() -> kombu.Exchange:
    """The partners' exchange: topic, durable; routing key = public event type."""
    return kombu.Exchange(EXCHANGE, type="topic", durable=True, auto_delete=False)


class ConfirmingChannel(ConfirmedChannel):
    """One connection to the broker publishing batches to `cars.public`, each confirmed as a whole."""

    release_failed_event = "public_channel_release_failed"

    def _on_connect(self, channel: Any) -> None:
        public_exchange()(channel).declare()

    def publish(self, events: Sequence[tuple[int, str, str, str]]) -> None:
        """Publish (sequence, event_id, type, body) in order; returns once all are confirmed, raises otherwise."""

        def messages(channel: Any) -> Iterator[tuple[str, str, amqp.Message]]:
            for _sequence, event_id, type_, body in events:
                message = amqp.Message(
                    body.encode("utf-8"),
                    content_type="application/json",
                    content_encoding="utf-8",
                    delivery_mode=PERSISTENT,
                    message_id=event_id,
                    type=type_,
                )
                yield EXCHANGE, type_, message

        self.publish_confirmed(messages)


def watermark(session: Session, channel: str = CHANNEL) -> int:
    found = session.execute(select(FeedWatermark.sequence).where(FeedWatermark.channel == channel)).scalar()
    return found or 0


def _set_watermark(session: Session, sequence: int, channel: str = CHANNEL) -> None:
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    now = datetime.now(UTC)
    statement = insert(FeedWatermark).values(channel=channel, sequence=sequence, updated_at=now)
    session.execute(
        statement.on_conflict_do_update(index_elements=["channel"], set_={"sequence": sequence, "updated_at": now})
    )


class FeedPublisher:
    """Moves the feed to the broker in sequence order, at least once, never out of order."""

    def __init__(
        self, database: Database, channel: ConfirmingChannel, batch_size: int = 500, max_backoff: float = 5.0
    ) -> None:
        self.database = database
        self.channel = channel
        self.batch_size = batch_size
        self.max_backoff = max_backoff

    def publish_pending(self) -> int:
        """Publish the next batch after the watermark; returns how many were published."""
        # Connected even while idle: the exchange exists (for partners to bind to) from the start.
        self.channel.ensure()
        with self.database.session() as session:
            if self.database.is_postgres:
                session.execute(LOCK, {"key": PUBLISHER_LOCK_KEY})
            pending = feed.events_after(session, watermark(session), self.batch_size)
            if not pending:
                return 0
            self.channel.publish(pending)
            _set_watermark(session, pending[-1][0])
            return len(pending)

    def run(
        self, stopping: Callable[[], bool], poll_seconds: float = 0.05, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        """Publish until `stopping()` is true, backing off while the broker or the database is away."""
        publish_until_stopped(
            self.publish_pending,
            stopping,
            poll_seconds=poll_seconds,
            max_backoff=self.max_backoff,
            sleep=sleep,
            retry_event="partner_publisher_retry",
        )
        self.channel.close()
