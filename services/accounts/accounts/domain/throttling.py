"""Sign-in throttling: too many failures in a window, per account or per client address, lock it out a while."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    """At most `limit` failures within `window`; the lockout lasts until the oldest of them leaves it."""

    limit: int
    window: timedelta

    def locked_for(self, failures: Iterable[datetime], now: datetime) -> timedelta | None:
        """How long the key stays locked, or None when it may try now."""
        recent = sorted(at for at in failures if at > now - self.window)
        if len(recent) < self.limit:
            return None
        return recent[-self.limit] + self.window - now


# A person mistyping a few times is not locked out; a guesser gets few tries per hour per account.
PER_ACCOUNT = ThrottlePolicy(limit=5, window=timedelta(minutes=15))
# An address may serve many people (an office behind one NAT), so it allows more.
PER_CLIENT = ThrottlePolicy(limit=30, window=timedelta(minutes=15))


def account_key(username: str) -> str:
    """The throttle key of a username as typed (known or not, so locking reveals nothing)."""
    return "user:" + hashlib.sha256(username.lower().encode("utf-8", "surrogatepass")).hexdigest()[:40]


def client_key(client: str | None) -> str:
    return "client:" + hashlib.sha256((client or "").encode("utf-8", "surrogatepass")).hexdigest()[:40]


def retry_after_seconds(locked_for: timedelta) -> int:
    """The Retry-After value: whole seconds, at least one."""
    return max(1, int(locked_for.total_seconds() + 0.999))
