"""Partner webhooks' rules: the signing scheme, URL checks and retry schedule of cars_shared.webhook_signing
(the scheme of filings' vendor webhooks), plus the partner deliveries' own headers and dead-letter states.

`Cars-Signature: t=<unix seconds>,v1=<hex>`, the hex being HMAC-SHA256, keyed by the webhook's signing secret,
of the ASCII timestamp, a full stop and the raw body. `verify_signature` uses only the standard library so
partners can copy it.
"""

from __future__ import annotations

from cars_shared import webhook_signing
from cars_shared.webhook_signing import (
    DEFAULT_TOLERANCE_SECONDS,
    HOST_NAME,
    MAX_URL_LENGTH,
    SECRET_PREFIX,
    SIGNATURE_HEADER,
    RetrySchedule,
    SignatureInvalid,
    WebhookUrlRefused,
    delivered,
    new_signing_secret,
    signature,
    signature_header,
    verify_signature,
)

__all__ = [
    "DEAD",
    "DEFAULT_TOLERANCE_SECONDS",
    "EVENT_ID_HEADER",
    "EVENT_TYPE_HEADER",
    "HOST_NAME",
    "MAX_URL_LENGTH",
    "REDELIVERED",
    "REDELIVERY_REQUESTED",
    "SECRET_PREFIX",
    "SIGNATURE_HEADER",
    "RetrySchedule",
    "SignatureInvalid",
    "WebhookUrlRefused",
    "check_webhook_url",
    "delivered",
    "new_signing_secret",
    "signature",
    "signature_header",
    "verify_signature",
]

EVENT_ID_HEADER = "Cars-Event-Id"
EVENT_TYPE_HEADER = "Cars-Event"

DEAD = "dead"
REDELIVERY_REQUESTED = "redelivery_requested"
REDELIVERED = "redelivered"


def check_webhook_url(url: str, *, allow_local: bool = False) -> str:
    """The URL if CARS may post to it: https, no credentials, no loopback or private address (unless local).

    A partner's URL may keep a `#fragment`.
    """
    return webhook_signing.check_webhook_url(url, allow_local=allow_local, allow_fragment=True)
