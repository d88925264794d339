"""Vendor webhooks: the signing scheme, URL checks and retry schedule of cars_shared.webhook_signing, plus the
headers, delivery statuses and event names of filings' deliveries.

A delivery is a POST of a JSON body with the header `Cars-Signature: t=<unix seconds>,v1=<hex>`, where the hex
is HMAC-SHA256, keyed by the vendor's signing secret, of the ASCII timestamp, a full stop and the body bytes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cars_shared.webhook_signing import (
    DEFAULT_TOLERANCE_SECONDS,
    MAX_URL_LENGTH,
    SECRET_PREFIX,
    SIGNATURE_HEADER,
    SIGNATURE_SCHEME,
    RetrySchedule,
    SignatureInvalid,
    WebhookUrlRefused,
    check_webhook_url,
    delivered,
    is_internal_host,
    is_ip_address,
    new_signing_secret,
    signature,
    signature_header,
    verify_signature,
)

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "DELIVERED",
    "DELIVERY_HEADER",
    "DELIVERY_STATUSES",
    "EVENT_HEADER",
    "FAILED",
    "MAX_URL_LENGTH",
    "PENDING",
    "SECRET_PREFIX",
    "SIGNATURE_HEADER",
    "SIGNATURE_SCHEME",
    "SUBMISSION_DECIDED",
    "RetrySchedule",
    "SignatureInvalid",
    "WebhookUrlRefused",
    "check_webhook_url",
    "delivered",
    "is_internal_host",
    "is_ip_address",
    "new_signing_secret",
    "same_origin",
    "signature",
    "signature_header",
    "verify_signature",
]

DELIVERY_HEADER = "Cars-Delivery"
EVENT_HEADER = "Cars-Event"

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
DELIVERY_STATUSES: tuple[str, ...] = (PENDING, DELIVERED, FAILED)

SUBMISSION_DECIDED = "submission.decided"


def same_origin(url: str, other: str) -> bool:
    """True when both URLs have the same scheme, host and port (paths may differ)."""

    def origin(address: str) -> tuple[str, str, int | None]:
        parts = urlsplit(address)
        default_port = {"https": 443, "http": 80}.get(parts.scheme)
        return parts.scheme, (parts.hostname or "").lower(), parts.port or default_port

    try:
        return origin(url) == origin(other)
    except ValueError:
        return False
