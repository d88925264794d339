"""Webhook signatures: `t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 of `<t>.<raw body>` under the provider secret.

The timestamp is signed with the body, so a captured delivery cannot be replayed once it is older than the
tolerance; within it, the provider event id (processed once) refuses the replay.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_SCHEME = "v1"


class SignatureRefused(Exception):
    """The delivery's signature is missing, malformed, outside the tolerance window or does not match."""


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """The header value a provider sends with `body` signed at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},{SIGNATURE_SCHEME}={digest}"


def verify(secret: str, body: bytes, header: str | None, *, tolerance_seconds: int, now: float | None = None) -> int:
    """Check the header against the raw body as received; returns the signed timestamp or raises SignatureRefused."""
    if not secret:
        raise SignatureRefused("no webhook secret is configured")
    if not header:
        raise SignatureRefused("the signature header is missing")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == SIGNATURE_SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureRefused("the signature header needs t=<unix seconds> and v1=<hex>")
    moment = time.time() if now is None else now
    if abs(moment - timestamp) > tolerance_seconds:
        raise SignatureRefused("the signature timestamp is outside the tolerance window")
    expected = signature_header(secret, body, timestamp).rpartition("=")[2]
    # Compare every candidate in constant time (a provider rotating secrets sends two).
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureRefused("no signature matches the body")
    return timestamp
