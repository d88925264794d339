"""Signed links of public alerts: confirm a subscription (for a week) and unsubscribe in one click (always)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlencode

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
CONFIRMATION_VALIDITY = timedelta(days=7)


def signature(key: bytes, purpose: str, subscription_id: str, expires: int | None = None) -> str:
    """HMAC-SHA256 of what the link allows, so a link for one purpose or subscription opens no other."""
    message = f"cars-alert:{purpose}:{subscription_id}:{'' if expires is None else expires}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).rstrip(b"=").decode("ascii")


def signature_valid(
    key: bytes, purpose: str, subscription_id: str, token: str, *, expires: int | None = None, now: datetime
) -> bool:
    """The token was signed with `key` for this purpose and subscription, and has not expired."""
    if expires is not None and now.timestamp() > expires:
        return False
    return hmac.compare_digest(signature(key, purpose, subscription_id, expires), token)


def confirmation_link(portal_url: str, key: bytes, subscription_id: str, now: datetime) -> str:
    expires = int((now + CONFIRMATION_VALIDITY).timestamp())
    query = urlencode(
        {
            "subscription": subscription_id,
            "expires": expires,
            "token": signature(key, CONFIRM, subscription_id, expires),
        }
    )
    return f"{portal_url.rstrip('/')}/api/notify/alerts/confirm?{query}"


def unsubscribe_link(portal_url: str, key: bytes, subscription_id: str) -> str:
    query = urlencode({"subscription": subscription_id, "token": signature(key, UNSUBSCRIBE, subscription_id)})
    return f"{portal_url.rstrip('/')}/api/notify/alerts/unsubscribe?{query}"
