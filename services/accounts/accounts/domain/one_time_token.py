"""Single-use tokens sent by e-mail (e-mail verification, password reset) and opaque refresh tokens.

Only a token's SHA-256 is stored: the tokens carry 256 random bits, so a fast hash is enough and a
leaked table opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

EMAIL_VERIFICATION = "email_verification"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose name, not a secret
PURPOSES: tuple[str, ...] = (EMAIL_VERIFICATION, PASSWORD_RESET)

LIFETIMES: dict[str, timedelta] = {
    EMAIL_VERIFICATION: timedelta(hours=48),
    PASSWORD_RESET: timedelta(hours=1),
}
# A person asking again and again may not flood an inbox with reset links.
MAX_RESETS_PER_HOUR = 3
TOKEN_BYTES = 32
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,100}$"  # noqa: S105 - a format, not a secret


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expires_at(purpose: str, now: datetime) -> datetime:
    return now + LIFETIMES[purpose]


def is_usable(*, expires: datetime, used: datetime | None, now: datetime) -> bool:
    """A token works once, before it expires."""
    return used is None and now < expires


def link(portal_url: str, path: str, token: str) -> str:
    """The portal page that takes the token; in the fragment, so it never reaches a server log."""
    return f"{portal_url.rstrip('/')}{path}#token={token}"
