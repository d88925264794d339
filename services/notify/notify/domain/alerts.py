"""Public alert subscriptions: their states and what a new request for one does."""

from __future__ import annotations

PENDING = "pending"
CONFIRMED = "confirmed"
UNSUBSCRIBED = "unsubscribed"
SUBSCRIPTION_STATUSES: tuple[str, ...] = (PENDING, CONFIRMED, UNSUBSCRIBED)


def normalised_address(email: str) -> str:
    """One subscription per mailbox and followed filer or shared search, however the address is capitalised."""
    return email.strip().lower()


def needs_confirmation(status: str | None) -> bool:
    """A new, pending or ended subscription is (re)confirmed by e-mail; a confirmed one needs nothing."""
    return status != CONFIRMED
