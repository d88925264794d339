"""Shared saved searches as public alerts know them: a share link's token, recognised by its key alone."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

# The token search puts at the end of a share link (32 random bytes, URL-safe base64).
_LINK_PART = r"[A-Za-z0-9_-]{43}"
_TOKEN_ALONE = re.compile(_LINK_PART)
_TOKEN_IN_LINK = re.compile(rf"https?://[^\s?#]+/shared/({_LINK_PART})/?(?:[?#]\S*)?")


def share_token_in(value: str) -> str | None:
    """The token of a share link given whole (`.../api/search/shared/<token>`) or as its last part; None when
    `value` is neither."""
    value = value.strip()
    if _TOKEN_ALONE.fullmatch(value):
        return value
    found = _TOKEN_IN_LINK.fullmatch(value)
    return found.group(1) if found else None


def share_key(token: str) -> str:
    """Hex SHA-256 of the token, as search announces it in `saved_search_shared`: notify never keeps the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_newer_fact(changed_at: datetime, known_at: datetime | None) -> bool:
    """Whether a share event tells of something at least as new as what is known (an event redelivered or
    overtaken by a later one changes nothing)."""
    return known_at is None or changed_at >= known_at
