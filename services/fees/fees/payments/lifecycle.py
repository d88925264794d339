"""Where a payment intent or a refund stands, and what each provider event does to it, whatever order events
arrive in.

Providers deliver webhooks at least once and in no guaranteed order. So a success is final and applies once
(a duplicate or a later failure changes nothing), a success after a failure or a cancellation still applies
(the money was taken, or returned), and a late `created` never moves an intent back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class IntentStatus(StrEnum):
    OPEN = "open"
    """Created; the payer has not finished the checkout."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


class ProviderEventKind(StrEnum):
    CREATED = "payment.created"
    SUCCEEDED = "payment.succeeded"
    FAILED = "payment.failed"
    CANCELED = "payment.canceled"
    REFUND_SUCCEEDED = "refund.succeeded"
    REFUND_FAILED = "refund.failed"


REFUND_EVENTS: frozenset[ProviderEventKind] = frozenset(
    {ProviderEventKind.REFUND_SUCCEEDED, ProviderEventKind.REFUND_FAILED}
)
"""Events about a refund of a payment (they name the refund as well as the payment)."""


class RefundStatus(StrEnum):
    PENDING = "pending"
    """Sent to the provider; the payment stays credited until the provider confirms."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Transition:
    """What a provider event does to an intent: its new status, and whether the payment is now received."""

    status: IntentStatus
    receives_payment: bool = False


def transition(current: IntentStatus, kind: ProviderEventKind) -> Transition:
    """The intent's status after a provider event of `kind` (the same status when the event changes nothing)."""
    if current == IntentStatus.SUCCEEDED:
        return Transition(IntentStatus.SUCCEEDED)
    if kind == ProviderEventKind.SUCCEEDED:
        return Transition(IntentStatus.SUCCEEDED, receives_payment=True)
    if kind == ProviderEventKind.FAILED and current == IntentStatus.OPEN:
        return Transition(IntentStatus.FAILED)
    if kind == ProviderEventKind.CANCELED and current in (IntentStatus.OPEN, IntentStatus.FAILED):
        return Transition(IntentStatus.CANCELED)
    return Transition(current)


@dataclass(frozen=True)
class RefundTransition:
    """What a provider event does to a refund: its new status, and whether the payment is now reversed."""

    status: RefundStatus
    reverses_payment: bool = False


def refund_transition(current: RefundStatus, kind: ProviderEventKind) -> RefundTransition:
    """The refund's status after a provider event of `kind` (the same status when the event changes nothing)."""
    if current == RefundStatus.SUCCEEDED:
        return RefundTransition(RefundStatus.SUCCEEDED)
    if kind == ProviderEventKind.REFUND_SUCCEEDED:
        return RefundTransition(RefundStatus.SUCCEEDED, reverses_payment=True)
    if kind == ProviderEventKind.REFUND_FAILED and current == RefundStatus.PENDING:
        return RefundTransition(RefundStatus.FAILED)
    return RefundTransition(current)


def is_reserving(status: IntentStatus, expires_at: datetime, now: datetime) -> bool:
    """Whether an intent still holds part of the open balance (so no other intent may take it)."""
    return status == IntentStatus.OPEN and expires_at > now


def payable_cents(open_cents: int, reserved_cents: int) -> int:
    """What a new intent may be for: the open balance less what unexpired open intents already hold."""
    return max(open_cents - reserved_cents, 0)
