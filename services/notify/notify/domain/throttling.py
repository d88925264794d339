"""Limits on public requests: too many from one client or for one address within a window are refused a while."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    """At most `limit` requests within `window`; the refusal lasts until the oldest of them leaves it."""

    limit: int
    window: timedelta

    def refused_for(self, hits: Iterable[datetime], now: datetime) -> timedelta | None:
        """How long further requests are refused, or None when one may be made now."""
        recent = sorted(at for at in hits if at > now - self.window)
        if len(recent) < self.limit:
            return None
        return recent[-self.limit] + self.window - now


# An office behind one address may subscribe several people, but not flood strangers' mailboxes.
SUBSCRIBE_PER_CLIENT = ThrottlePolicy(limit=20, window=timedelta(hours=1))
# One mailbox gets few confirmation requests a day, whoever asks for them.
SUBSCRIBE_PER_ADDRESS = ThrottlePolicy(limit=3, window=timedelta(days=1))
# Signed links are not guessable; this only stops a client hammering the routes.
LINKS_PER_CLIENT = ThrottlePolicy(limit=60, window=timedelta(minutes=15))


def throttle_key(kind: str, value: str) -> str:
    """A key that names what is throttled without storing the address or e-mail itself."""
    return f"{kind}:" + hashlib.sha256(value.lower().encode("utf-8", "surrogatepass")).hexdigest()[:40]


def retry_after_seconds(refused_for: timedelta) -> int:
    """The Retry-After value: whole seconds, at least one."""
    return max(1, int(refused_for.total_seconds() + 0.999))
