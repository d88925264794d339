"""Tables of payments: intents paid through a provider, refunds sent to it, the provider events processed,
webhook refusals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from fees.models import SEQUENCE, Base


class PaymentIntent(Base):
    """A payment an entity's person started online: how much, through which provider, and where it stands."""

    __tablename__ = "payment_intents"
    __table_args__ = (
        UniqueConstraint("provider", "reference", name="uq_payment_intents_provider_reference"),
        CheckConstraint("amount_cents > 0", name="ck_payment_intents_amount_positive"),
        Index("ix_payment_intents_entity_status", "entity_id", "status"),
    )

    intent_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(SEQUENCE)
    provider: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(100))
    """The provider's id of the payment."""
    checkout_url: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """Until then an open intent holds its amount of the open balance."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    payment_entry_id: Mapped[str | None] = mapped_column(String(36))
    """The ledger entry of the payment, once it succeeded."""


class PaymentRefund(Base):
    """A refund of an online payment sent to its provider: the payment stays credited until the provider confirms,
    then its reversal is the ledger's record of the refund."""

    __tablename__ = "payment_refunds"
    __table_args__ = (
        UniqueConstraint("provider", "reference", name="uq_payment_refunds_provider_reference"),
        CheckConstraint("amount_cents > 0", name="ck_payment_refunds_amount_positive"),
    )

    refund_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(20), index=True)
    payment_entry_id: Mapped[str] = mapped_column(String(36), index=True)
    intent_id: Mapped[str] = mapped_column(String(36))
    provider: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(100))
    """The provider's id of the refund."""
    amount_cents: Mapped[int] = mapped_column(SEQUENCE)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reversal_entry_id: Mapped[str | None] = mapped_column(String(36))
    """The ledger entry reversing the payment, once the provider confirmed the refund."""


class ProcessedProviderEvent(Base):
    """A provider event fees acted on (each exactly once: its id is the key) and what it did."""

    __tablename__ = "payment_provider_events"

    provider: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(100))
    intent_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    """applied (the payment was received), changed (the intent's status), ignored (out of date or unknown)."""


class WebhookRefusal(Base):
    """A webhook delivery refused (forged, stale, replayed, malformed): kept for the security record."""

    __tablename__ = "payment_webhook_refusals"

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    provider: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20))
    claimed_event_id: Mapped[str | None] = mapped_column(String(100))
    """The event id the delivery claimed (untrusted when the signature failed)."""
    client: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)
