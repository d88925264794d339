"""Tables of the public event stream: the feed (the one order), its counter, watermarks, webhooks, dead letters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from notify.models import Base


class FeedEvent(Base):
    """One public event at its place in the feed; `body` is the event exactly as partners receive it (JSON)."""

    __tablename__ = "partner_feed_events"
    __table_args__ = (
        Index("ix_partner_feed_events_type_sequence", "type", "sequence"),
        Index("ix_partner_feed_events_entity_sequence", "entity_id", "sequence"),
        Index("ix_partner_feed_events_recorded_at", "recorded_at"),
    )

    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[str] = mapped_column(Text)


class FeedCounter(Base):
    """The feed's one row: the last sequence given out (locked while appending) and what retention purged."""

    __tablename__ = "partner_feed_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    purged_through: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedWatermark(Base):
    """How far a channel (the AMQP publisher) has confirmed the feed."""

    __tablename__ = "partner_feed_watermarks"

    channel: Mapped[str] = mapped_column(String(40), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PartnerWebhook(Base):
    """A partner's URL receiving the feed's events of some types, in order; `position` is the last one handled."""

    __tablename__ = "partner_webhooks"
    __table_args__ = (Index("ix_partner_webhooks_due", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    sealed_secret: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebhookDeadLetter(Base):
    """An event a webhook gave up delivering; the partner lists it and asks for it again (`redelivery`)."""

    __tablename__ = "partner_webhook_dead_letters"
    __table_args__ = (
        UniqueConstraint("webhook_id", "sequence", name="uq_partner_dead_letter_webhook_sequence"),
        Index("ix_partner_dead_letters_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(String(36), index=True)
    sequence: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    redelivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
