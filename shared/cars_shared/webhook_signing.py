"""Webhooks CARS sends: how a delivery is signed and verified, which URLs may receive one, when to try again.

A delivery is a POST of a JSON body with the header `Cars-Signature: t=<unix seconds>,v1=<hex>`, where the hex
is HMAC-SHA256, keyed by the webhook's signing secret, of the ASCII timestamp, a full stop and the body bytes.
`verify_signature` is written with the standard library only so that receivers can copy it into their software.
Filings' vendor webhooks and notify's partner webhooks both use this scheme.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

SIGNATURE_HEADER = "Cars-Signature"
SIGNATURE_SCHEME = "v1"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker that makes leaked secrets recognisable, not a secret

# A receiver refuses signatures older than this, so a captured delivery cannot be replayed later.
DEFAULT_TOLERANCE_SECONDS = 300
MAX_URL_LENGTH = 2000
# DNS labels of letters, digits and hyphens (urlsplit gives the host in lower case).
HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$")


class SignatureInvalid(Exception):
    """The signature header is missing, malformed, too old, or matches no signature of the body."""


class WebhookUrlRefused(ValueError):
    """A URL CARS will not send webhooks to; the message says why."""


def new_signing_secret() -> str:
    """A signing secret of 256 random bits, shown to the receiver once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 (hex) of `<timestamp>.<body>` keyed by the signing secret."""
    signed = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """The `Cars-Signature` header value of a delivery sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},{SIGNATURE_SCHEME}={signature(secret, timestamp, body)}"


def verify_signature(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check a received delivery's `Cars-Signature` header against its raw body; returns the signed timestamp.

    Raises SignatureInvalid when the header is malformed, older (or newer) than `tolerance_seconds`, or no
    `v1` signature in it matches. Pass the body bytes exactly as received, before any JSON parsing.
    """
    if not header:
        raise SignatureInvalid("no signature header")
    timestamp: int | None = None
    candidates: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SIGNATURE_SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureInvalid("the header needs t=<unix seconds> and at least one v1=<hex>")
    moment = time.time() if now is None else now
    if abs(moment - timestamp) > tolerance_seconds:
        raise SignatureInvalid("the signature timestamp is outside the tolerance")
    expected = signature(secret, timestamp, body)
    # Compare every candidate in constant time: the header may carry several v1 signatures.
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureInvalid("no v1 signature matches the body")
    return timestamp


def check_webhook_url(url: str, *, allow_local: bool = False, allow_fragment: bool = False) -> str:
    """The URL if CARS may post webhooks to it; raises WebhookUrlRefused saying why not.

    HTTPS only, no credentials in the URL, and no literal loopback, private or link-local address, so that a
    receiver cannot aim CARS at its own internal network. `allow_local` (local runs, tests) also allows plain
    http and internal addresses; `allow_fragment` lets a `#fragment` through.
    """
    if len(url) > MAX_URL_LENGTH:
        raise WebhookUrlRefused(f"Use a URL of at most {MAX_URL_LENGTH} characters.")
    if any(character.isspace() or not character.isprintable() for character in url):
        raise WebhookUrlRefused("Leave spaces and control characters out of the URL.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError as error:
        raise WebhookUrlRefused("This is not a valid URL.") from error
    allowed_schemes = ("https", "http") if allow_local else ("https",)
    if parts.scheme not in allowed_schemes:
        raise WebhookUrlRefused("Use an https:// URL.")
    if not host:
        raise WebhookUrlRefused("The URL needs a host name.")
    if not HOST_NAME.match(host) and not is_ip_address(host):
        raise WebhookUrlRefused("The URL's host is not a valid host name or address.")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlRefused("Leave credentials out of the URL; the signature authenticates CARS.")
    if parts.fragment and not allow_fragment:
        raise WebhookUrlRefused("Leave the #fragment out of the URL.")
    if not allow_local and is_internal_host(host):
        raise WebhookUrlRefused("The URL points at a loopback, private or link-local address.")
    return url


def is_ip_address(host: str) -> bool:
    """True when `host` is a literal IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_internal_host(host: str) -> bool:
    """True for `localhost` and for literal addresses that are not globally routable."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


@dataclass(frozen=True)
class RetrySchedule:
    """Exponential backoff between delivery attempts, giving up after `max_attempts`.

    The defaults try for about a day: 1, 2, 4 ... minutes, each wait capped at six hours.
    """

    max_attempts: int = 12
    first_backoff: timedelta = timedelta(minutes=1)
    max_backoff: timedelta = timedelta(hours=6)

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt (1-based), doubling each time up to the cap."""
        doublings = max(attempts - 1, 0)
        # Past 2**32 the cap has long been reached; stopping there keeps timedelta from overflowing.
        if doublings >= 32:
            return self.max_backoff
        return min(self.first_backoff * 2**doublings, self.max_backoff)

    def next_attempt_at(self, attempts: int, failed_at: datetime) -> datetime | None:
        """When to try again after `attempts` failed attempts, or None when they are used up."""
        if attempts >= self.max_attempts:
            return None
        return failed_at + self.backoff(attempts)


def delivered(status_code: int) -> bool:
    """A 2xx answer means the receiver has the delivery; anything else (redirects included) is tried again."""
    return 200 <= status_code < 300
