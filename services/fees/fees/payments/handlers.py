"""Payments use cases: open an intent for part or all of an open balance, act on a provider's event, record a
payment received by mail, refund one (a payment by mail at once, an online one through its provider).

Each holds the entity's account (`ledger.lock_account`) for its transaction, so two payments for the same
charges are applied one after the other and never both against the same open cents; the ledger's unique
`entry_key` and the processed-event table make a repeated payment or provider event a failed transaction,
never a second credit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fees import ledger
from fees.domain.calendar import california_today
from fees.domain.ledger import EntryKind
from fees.ledger import Actor, EntryNotReversible
from fees.models import Entity, LedgerEntry
from fees.payments.lifecycle import (
    REFUND_EVENTS,
    IntentStatus,
    RefundStatus,
    payable_cents,
    refund_transition,
    transition,
)
from fees.payments.models import PaymentIntent, PaymentRefund, ProcessedProviderEvent, WebhookRefusal
from fees.payments.providers import Delivery, PaymentProvider, ProviderEvent
from fees.staff.handlers import ActionRefused, Clerk, NotOnFile

CHECKOUT_LIFETIME = timedelta(minutes=30)
"""How long an open intent holds its part of the balance; a payer who walks away frees it after that."""

MAX_PAYMENT_CENTS = 10_000_000
"""A recorded payment above $100,000 is a typing error, not a payment of fees of this size."""


class PaymentMethod(StrEnum):
    ONLINE = "online"
    CHEQUE = "cheque"
    MONEY_ORDER = "money_order"
    CASH = "cash"


RECORDED_METHODS: tuple[str, ...] = (PaymentMethod.CHEQUE, PaymentMethod.MONEY_ORDER, PaymentMethod.CASH)
"""Methods of payments staff record by hand (an online payment is recorded by its provider's webhook)."""


class ProviderOutcome(StrEnum):
    APPLIED = "applied"
    CHANGED = "changed"
    IGNORED = "ignored"


class PaymentRefused(Exception):
    """A payment the account's state does not allow; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ProviderUnavailable(Exception):
    """The payment provider an online payment's refund must go through is not configured here."""


@dataclass(frozen=True)
class RefundRequested:
    """A refund sent to the provider, and the provider's signed answer when it gave one at once (to process next)."""

    refund: PaymentRefund
    confirmation: Delivery | None


def provider_actor(provider: str) -> Actor:
    return Actor.system(f"payments.{provider}")


def _open_cents(session: Session, entity_id: str) -> int:
    return sum(item.open_cents for item in ledger.account(session, entity_id).open_items)


def _reserved_cents(session: Session, entity_id: str, now: datetime) -> int:
    held = session.scalar(
        select(func.coalesce(func.sum(PaymentIntent.amount_cents), 0)).where(
            PaymentIntent.entity_id == entity_id,
            PaymentIntent.status == IntentStatus.OPEN,
            PaymentIntent.expires_at > now,
        )
    )
    return int(held or 0)


def open_intent(
    session: Session, provider: PaymentProvider, entity_id: str, amount_cents: int, payer_id: str, now: datetime
) -> PaymentIntent:
    """Start paying `amount_cents` of the entity's open balance online (at most what no open intent holds)."""
    ledger.lock_account(session, entity_id)
    payable = payable_cents(_open_cents(session, entity_id), _reserved_cents(session, entity_id, now))
    if payable == 0:
        raise PaymentRefused(
            f"Entity {entity_id} has nothing left to pay online (no open balance, or a checkout already holds it).",
            field="amount_cents",
        )
    if amount_cents > payable:
        raise PaymentRefused(f"At most {payable} cents of the open balance can be paid now.", field="amount_cents")
    intent_id = str(uuid.uuid4())
    expires_at = now + CHECKOUT_LIFETIME
    # Started under the account's lock, so no other intent takes the same cents meanwhile.
    checkout = provider.start_checkout(intent_id, entity_id, amount_cents, expires_at)
    intent = PaymentIntent(
        intent_id=intent_id,
        entity_id=entity_id,
        amount_cents=amount_cents,
        provider=provider.name,
        reference=checkout.reference,
        checkout_url=checkout.url,
        status=IntentStatus.OPEN,
        created_by=payer_id,
        created_at=now,
        expires_at=expires_at,
        updated_at=now,
    )
    session.add(intent)
    session.flush()
    return intent


def intent_of(session: Session, entity_id: str, intent_id: str) -> PaymentIntent | None:
    """The entity's intent (None when it has no intent of that id)."""
    intent = session.get(PaymentIntent, intent_id)
    return intent if intent is not None and intent.entity_id == entity_id else None


def intent_by_reference(session: Session, provider: str, reference: str) -> PaymentIntent | None:
    return session.scalar(
        select(PaymentIntent).where(PaymentIntent.provider == provider, PaymentIntent.reference == reference)
    )


def receive_payment(
    session: Session,
    entity_id: str,
    amount_cents: int,
    actor: Actor,
    *,
    method: PaymentMethod,
    reference: str,
    received_on: date,
    provider: str | None = None,
    intent_id: str | None = None,
) -> LedgerEntry:
    """Credit a received payment to the account (the caller holds its lock) and publish payment_received.

    It pays the oldest charges first when the account is read; what it pays beyond them is held as credit.
    """
    before = ledger.account(session, entity_id)
    open_before = sum(item.open_cents for item in before.open_items)
    source = provider if provider is not None else str(method)
    description = (
        f"Payment online ({provider} {reference})"
        if provider is not None
        else f"Payment by {method.replace('_', ' ')} {reference}"
    )
    entry = ledger.new_entry(
        entity_id,
        EntryKind.PAYMENT,
        -amount_cents,
        actor,
        effective_on=received_on,
        description=description,
        entry_key=f"payment:{source}:{reference}",
    )
    # The pool pays open charges until it runs out; credit is left only once none is open.
    credit_after = max(before.unapplied_credit_cents + amount_cents - open_before, 0)
    return ledger.append(
        session,
        entry,
        "payment_received",
        {
            "method": str(method),
            "reference": reference,
            "provider": provider,
            "payment_intent_id": intent_id,
            "received_on": received_on,
            "balance_cents": before.balance_cents - amount_cents,
            "unapplied_credit_cents": credit_after,
        },
    )


def apply_provider_event(
    session: Session, provider: str, event: ProviderEvent, now: datetime
) -> ProcessedProviderEvent:
    """Act on a verified provider event exactly once, whatever order the provider's events arrive in.

    Recording the event id comes first: a replay (even one delivered at the same moment) fails the
    transaction on its key before it can touch the account.
    """
    record = ProcessedProviderEvent(
        provider=provider,
        event_id=event.event_id,
        kind=str(event.kind),
        reference=event.reference,
        received_at=now,
        outcome=ProviderOutcome.IGNORED,
    )
    session.add(record)
    session.flush()
    if event.kind in REFUND_EVENTS:
        _apply_refund_event(session, provider, event, record, now)
        return record
    intent = intent_by_reference(session, provider, event.reference)
    if intent is None:
        return record
    ledger.lock_account(session, intent.entity_id)
    # Read again under the lock: another event of the same payment may have just committed.
    session.refresh(intent, with_for_update=True)
    record.intent_id = intent.intent_id
    step = transition(IntentStatus(intent.status), event.kind)
    if step.receives_payment:
        entry = receive_payment(
            session,
            intent.entity_id,
            event.amount_cents,
            provider_actor(provider),
            method=PaymentMethod.ONLINE,
            reference=intent.reference,
            received_on=california_today(datetime.fromtimestamp(event.occurred_at, UTC)),
            provider=provider,
            intent_id=intent.intent_id,
        )
        intent.payment_entry_id = entry.id
        record.outcome = ProviderOutcome.APPLIED
    elif step.status != intent.status:
        record.outcome = ProviderOutcome.CHANGED
    if step.status != intent.status:
        intent.status = step.status
        intent.updated_at = now
    return record


def refund_by_reference(session: Session, provider: str, reference: str) -> PaymentRefund | None:
    return session.scalar(
        select(PaymentRefund).where(PaymentRefund.provider == provider, PaymentRefund.reference == reference)
    )


def _apply_refund_event(
    session: Session, provider: str, event: ProviderEvent, record: ProcessedProviderEvent, now: datetime
) -> None:
    """Act on a refund's event: once the provider confirms, the payment's reversal is the refund in the ledger."""
    assert event.refund_reference is not None
    refund = refund_by_reference(session, provider, event.refund_reference)
    if refund is None or refund.amount_cents != event.amount_cents:
        return
    ledger.lock_account(session, refund.entity_id)
    session.refresh(refund, with_for_update=True)
    record.intent_id = refund.intent_id
    step = refund_transition(RefundStatus(refund.status), event.kind)
    if step.reverses_payment:
        payment = session.scalar(select(LedgerEntry).where(LedgerEntry.id == refund.payment_entry_id))
        assert payment is not None, f"refund {refund.refund_id} names no payment"
        record.outcome = ProviderOutcome.CHANGED
        # Staff may have reversed the payment by hand meanwhile: the money went back once, so it is reversed once.
        if not ledger.is_reversed(session, payment.id):
            reversal = ledger.reverse(
                session,
                payment,
                provider_actor(provider),
                f"Refund: {refund.reason}",
                california_today(datetime.fromtimestamp(event.occurred_at, UTC)),
            )
            refund.reversal_entry_id = reversal.id
            record.outcome = ProviderOutcome.APPLIED
    elif step.status != refund.status:
        record.outcome = ProviderOutcome.CHANGED
    if step.status != refund.status:
        refund.status = step.status
        refund.updated_at = now


def record_refusal(
    session: Session, provider: str, reason: str, detail: str, claimed_event_id: str | None, client: str | None
) -> WebhookRefusal:
    """Keep a refused webhook delivery on the security record."""
    refusal = WebhookRefusal(
        received_at=datetime.now(UTC),
        provider=provider[:40],
        reason=reason,
        claimed_event_id=claimed_event_id[:100] if claimed_event_id else None,
        client=client[:200] if client else None,
        detail=detail[:2000],
    )
    session.add(refusal)
    return refusal


def _account_on_file(session: Session, entity_id: str) -> None:
    ledger.lock_account(session, entity_id)
    known = session.get(Entity, entity_id) is not None
    if not known and session.scalar(select(LedgerEntry.id).where(LedgerEntry.entity_id == entity_id).limit(1)) is None:
        raise NotOnFile(f"No account of entity {entity_id} is on file.")


def record_payment(
    session: Session,
    clerk: Clerk,
    entity_id: str,
    *,
    amount_cents: int,
    method: PaymentMethod,
    reference: str,
    received_on: date,
    today: date,
) -> LedgerEntry:
    """Record a payment received by mail or at the counter, by its reference number (once per method)."""
    if method not in RECORDED_METHODS:
        raise ActionRefused(f"Staff record payments by {', '.join(RECORDED_METHODS)}.", field="method")
    if not 0 < amount_cents <= MAX_PAYMENT_CENTS:
        raise ActionRefused(f"A payment is between 1 and {MAX_PAYMENT_CENTS} cents.", field="amount_cents")
    if received_on > today:
        raise ActionRefused("A payment cannot be recorded as received in the future.", field="received_on")
    reference = reference.strip()
    if not reference:
        raise ActionRefused("Give the payment's reference number.", field="reference")
    _account_on_file(session, entity_id)
    key = f"payment:{method}:{reference}"
    earlier = session.scalar(select(LedgerEntry).where(LedgerEntry.entry_key == key))
    if earlier is not None:
        raise ActionRefused(
            f"{method.replace('_', ' ').capitalize()} {reference} was already recorded "
            f"(entity {earlier.entity_id}, {earlier.effective_on.isoformat()}).",
            field="reference",
        )
    return receive_payment(
        session, entity_id, amount_cents, clerk.actor, method=method, reference=reference, received_on=received_on
    )


def refund_payment(
    session: Session,
    clerk: Clerk,
    entity_id: str,
    entry_id: str,
    *,
    reason: str,
    today: date,
    provider: PaymentProvider | None = None,
    now: datetime | None = None,
) -> LedgerEntry | RefundRequested:
    """Refund a payment in full, with the reason.

    A payment staff recorded (a cheque) is refunded by staff: its reversal (published as ledger_entry_reversed)
    at once. An online payment is refunded through its provider: the refund is sent, and the payment is reversed
    when the provider confirms it (`apply_provider_event`).
    """
    if not reason.strip():
        raise ActionRefused("Give the reason for the refund.", field="reason")
    _account_on_file(session, entity_id)
    payment = session.scalar(select(LedgerEntry).where(LedgerEntry.id == entry_id))
    if payment is None or payment.entity_id != entity_id:
        raise NotOnFile(f"Entity {entity_id} has no entry {entry_id}.", field="entry_id")
    if payment.kind != EntryKind.PAYMENT:
        raise ActionRefused("Only a payment is refunded; correct other entries by a reversal.", field="entry_id")
    intent = session.scalar(select(PaymentIntent).where(PaymentIntent.payment_entry_id == payment.id))
    if intent is not None:
        return _send_refund(session, clerk, provider, payment, intent, reason.strip(), now or datetime.now(UTC))
    try:
        return ledger.reverse(session, payment, clerk.actor, f"Refund: {reason.strip()}", today)
    except EntryNotReversible as refused:
        raise ActionRefused(f"The payment was already refunded ({refused}).", field="entry_id") from refused


def _send_refund(
    session: Session,
    clerk: Clerk,
    provider: PaymentProvider | None,
    payment: LedgerEntry,
    intent: PaymentIntent,
    reason: str,
    now: datetime,
) -> RefundRequested:
    """Ask the payment's provider to return it (the caller holds the account's lock); one refund at a time."""
    if ledger.is_reversed(session, payment.id):
        raise ActionRefused(f"The payment was already refunded (entry {payment.id} is reversed).", field="entry_id")
    underway = session.scalar(
        select(PaymentRefund).where(
            PaymentRefund.payment_entry_id == payment.id, PaymentRefund.status != RefundStatus.FAILED
        )
    )
    if underway is not None:
        raise ActionRefused(
            f"The payment's refund {underway.refund_id} was already sent ({underway.status}).", field="entry_id"
        )
    if provider is None or provider.name != intent.provider:
        raise ProviderUnavailable(
            f"The payment was made online through {intent.provider}, which is not available here: "
            "its refund cannot be sent now."
        )
    refund_id = str(uuid.uuid4())
    amount_cents = -payment.amount_cents
    started = provider.start_refund(refund_id, intent.reference, amount_cents)
    refund = PaymentRefund(
        refund_id=refund_id,
        entity_id=payment.entity_id,
        payment_entry_id=payment.id,
        intent_id=intent.intent_id,
        provider=provider.name,
        reference=started.reference,
        amount_cents=amount_cents,
        reason=reason,
        status=RefundStatus.PENDING,
        requested_by=clerk.user_id,
        requested_at=now,
        updated_at=now,
    )
    session.add(refund)
    session.flush()
    return RefundRequested(refund, started.confirmation)


def refund_of(session: Session, entity_id: str, refund_id: str) -> PaymentRefund | None:
    """The entity's refund (None when it has no refund of that id)."""
    refund = session.get(PaymentRefund, refund_id)
    return refund if refund is not None and refund.entity_id == entity_id else None
