"""Payment providers: the interface fees needs of one, and the local provider `make run` uses.

A provider starts a hosted checkout for an intent, and a refund of a payment it took, and later tells fees
what happened to either through signed webhooks. Fees never sees card details; it trusts a webhook only once
its signature checks out.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cars_shared.config import (
    FEES_PAYMENT_PROVIDER,
    FEES_PAYMENT_WEBHOOK_SECRET,
    FEES_PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
    PORTAL_URL,
    VARIABLES,
    var_path,
)
from fees.payments import signatures
from fees.payments.lifecycle import REFUND_EVENTS, ProviderEventKind

SIGNATURE_HEADER = "Cars-Payment-Signature"
NO_PROVIDER = "none"
CHECKOUT_PATH = "/api/fees/v1/checkout"
"""Where the fees gateway serves the local provider's hosted checkout page."""
MAX_BODY_BYTES = 64 * 1024
"""A provider event is a few hundred bytes; anything far larger is not one."""


class WebhookRefused(Exception):
    """A delivery that is not a genuine, well-formed event of the provider; `reason` says which check failed."""

    def __init__(self, reason: str, detail: str, claimed_event_id: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.claimed_event_id = claimed_event_id


@dataclass(frozen=True)
class Checkout:
    """A checkout the provider started: its reference for the payment and where the payer completes it."""

    reference: str
    url: str


@dataclass(frozen=True)
class ProviderEvent:
    """One verified provider event about a payment (or about a refund of one)."""

    event_id: str
    kind: ProviderEventKind
    reference: str
    amount_cents: int
    occurred_at: int
    """Unix seconds, as the provider stamped the event."""
    refund_reference: str | None = None
    """The provider's id of the refund, on a refund event."""


@dataclass(frozen=True)
class Delivery:
    """A webhook delivery as a provider sends it: the raw body and its headers."""

    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class RefundStarted:
    """A refund the provider took on: its reference, and the provider's answer when it gives one at once.

    `confirmation` is the signed webhook delivery of the refund's outcome, for fees to process once the refund
    is recorded; None when the provider sends its webhook later.
    """

    reference: str
    confirmation: Delivery | None = None


class PaymentProvider(Protocol):
    """What fees needs of a payment provider."""

    name: str

    def start_checkout(self, intent_id: str, entity_id: str, amount_cents: int, expires_at: datetime) -> Checkout:
        """Start a hosted checkout for an intent; the payer is sent to `Checkout.url`."""
        ...

    def start_refund(self, refund_id: str, payment_reference: str, amount_cents: int) -> RefundStarted:
        """Ask the provider to return a payment it took (in full); `refund_id` makes a repeated request one refund."""
        ...

    def read_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify a delivery's signature and read its event; WebhookRefused when it is not genuine or not an event."""
        ...


def parse_event(body: bytes) -> ProviderEvent:
    """Read a provider event document (already verified) into a ProviderEvent; WebhookRefused when malformed."""
    try:
        document = json.loads(body)
        data = document["data"]
        kind = ProviderEventKind(document["type"])
        event = ProviderEvent(
            event_id=_text(document["id"]),
            kind=kind,
            reference=_text(data["payment_id"]),
            amount_cents=_positive(data["amount_cents"]),
            occurred_at=_positive(document["created"]),
            refund_reference=_text(data["refund_id"]) if kind in REFUND_EVENTS else None,
        )
    except (ValueError, KeyError, TypeError) as malformed:
        raise WebhookRefused("malformed", "The event is not a payment event this provider sends.") from malformed
    return event


def claimed_event_id(body: bytes) -> str | None:
    """The event id a delivery claims (not to be trusted: for the record of a refusal only)."""
    try:
        value = json.loads(body).get("id")
    except (ValueError, AttributeError):
        return None
    return value[:100] if isinstance(value, str) else None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 100:
        raise ValueError("an id is a string of 1 to 100 characters")
    return value


def _positive(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**53:
        raise ValueError("a whole, positive number")
    return value


class LocalProvider:
    """The provider of a local run: its hosted checkout is a page of the fees gateway, and completing it sends
    a signed webhook exactly as a real provider would (same body, same signature header). A refund succeeds at
    once: its signed `refund.succeeded` comes back with the answer (unless `refunds_at_once` is off, when it is
    left to be delivered later, as a real provider's would be).
    """

    name = "local"

    def __init__(
        self,
        secret: str,
        tolerance_seconds: int = 300,
        checkout_base: str = CHECKOUT_PATH,
        *,
        refunds_at_once: bool = True,
    ) -> None:
        self.secret = secret
        self.tolerance_seconds = tolerance_seconds
        self.checkout_base = checkout_base
        self.refunds_at_once = refunds_at_once

    def start_checkout(self, intent_id: str, entity_id: str, amount_cents: int, expires_at: datetime) -> Checkout:
        reference = uuid.uuid4().hex
        return Checkout(reference, f"{self.checkout_base}/{reference}")

    def start_refund(self, refund_id: str, payment_reference: str, amount_cents: int) -> RefundStarted:
        # The refund's reference is derived from fees' id: asking again for the same refund names the same one.
        reference = f"re_{uuid.uuid5(uuid.NAMESPACE_URL, refund_id).hex}"
        if not self.refunds_at_once:
            return RefundStarted(reference)
        confirmation = self.delivery(
            ProviderEventKind.REFUND_SUCCEEDED, payment_reference, amount_cents, refund_reference=reference
        )
        return RefundStarted(reference, confirmation)

    def read_webhook(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        if len(body) > MAX_BODY_BYTES:
            raise WebhookRefused("malformed", "The delivery is too large to be a payment event.")
        try:
            signatures.verify(
                self.secret, body, headers.get(SIGNATURE_HEADER), tolerance_seconds=self.tolerance_seconds
            )
        except signatures.SignatureRefused as refused:
            raise WebhookRefused(
                "forged", f"The delivery's signature was refused: {refused}.", claimed_event_id(body)
            ) from refused
        return parse_event(body)

    def delivery(
        self,
        kind: ProviderEventKind,
        reference: str,
        amount_cents: int,
        *,
        event_id: str | None = None,
        at: int | None = None,
        refund_reference: str | None = None,
    ) -> Delivery:
        """The signed webhook delivery of an event about a payment, or a refund of it (`at`: its unix time, now by
        default)."""
        moment = int(time.time()) if at is None else at
        data: dict[str, Any] = {"payment_id": reference, "amount_cents": amount_cents, "currency": "usd"}
        if refund_reference is not None:
            data["refund_id"] = refund_reference
        body = json.dumps(
            {
                "id": event_id or f"evt_{uuid.uuid4().hex}",
                "type": str(kind),
                "created": moment,
                "data": data,
            }
        ).encode()
        header = signatures.signature_header(self.secret, body, moment)
        return Delivery(body, {SIGNATURE_HEADER: header, "Content-Type": "application/json"})


SECRET_FILE = "fees-payment-webhook-secret"  # noqa: S105 - the file's name, not a secret


def local_secret() -> str:
    """The configured webhook secret, else the local one kept under VAR_DIR (created, readable by its owner only)."""
    configured = FEES_PAYMENT_WEBHOOK_SECRET.get()
    if configured:
        return configured
    path = var_path(SECRET_FILE)
    if not path.exists():
        # Written aside and linked into place, so a concurrent reader never sees a half-written secret.
        draft = path.with_name(f"{SECRET_FILE}.{uuid.uuid4().hex}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def configured_provider() -> LocalProvider | None:
    """The provider this process is configured with; None when online payments are off.

    The local provider lets anyone holding a checkout address mark it paid, so it runs only where asked for or
    in a local run (the embedded fees database), never by default against a production database.
    """
    chosen = FEES_PAYMENT_PROVIDER.get().strip().lower()
    if not chosen:
        chosen = LocalProvider.name if not VARIABLES["FEES_DATABASE_URL"].get() else NO_PROVIDER
    if chosen == NO_PROVIDER:
        return None
    if chosen != LocalProvider.name:
        raise ValueError(f"FEES_PAYMENT_PROVIDER: unknown payment provider {chosen!r} (local or none)")
    return LocalProvider(
        local_secret(),
        int(FEES_PAYMENT_WEBHOOK_TOLERANCE_SECONDS.get()),
        checkout_base=f"{PORTAL_URL.get().rstrip('/')}{CHECKOUT_PATH}",
    )
