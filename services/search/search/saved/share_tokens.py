"""Share links of saved searches: unguessable tokens, each naming one saved search until it is revoked."""

from __future__ import annotations

import hashlib
import re
import secrets

# 32 random bytes: no one finds a shared search by guessing or counting through links.
TOKEN_BYTES = 32
_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_share_token() -> str:
    """A fresh URL-safe token (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str) -> bool:
    """Whether `token` could be a share token at all; anything else is refused without a lookup."""
    return _SHAPE.fullmatch(token) is not None


def share_link(portal_url: str, token: str) -> str:
    """Where anyone holding the link reruns the shared search, without an account."""
    return f"{portal_url.rstrip('/')}/api/search/shared/{token}"


def share_key(token: str) -> str:
    """Hex SHA-256 of the token: how other services recognise a link holder without ever knowing the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()
