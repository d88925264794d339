"""Throttling of guesses: too many failed sign-ins or entity access codes in a window lock the key out a while."""

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

# Access codes carry 80 random bits, so these limits stop a claim being hammered, not a person mistyping a letter.
CLAIMS_PER_CLAIMANT = ThrottlePolicy(limit=5, window=timedelta(minutes=15))
CLAIMS_PER_ENTITY = ThrottlePolicy(limit=5, window=timedelta(minutes=15))
CLAIMS_PER_CLIENT = ThrottlePolicy(limit=20, window=timedelta(minutes=15))


def account_key(username: str) -> str:
    """The throttle key of a username as typed (known or not, so locking reveals nothing)."""
    return "user:" + hashlib.sha256(username.lower().encode("utf-8", "surrogatepass")).hexdigest()[:40]


def client_key(client: str | None) -> str:
    return "client:" + hashlib.sha256((client or "").encode("utf-8", "surrogatepass")).hexdigest()[:40]


def claimant_key(user_id: str) -> str:
    """The throttle key of a person trying access codes, across every entity."""
    return "claimant:" + user_id


def claimed_entity_key(entity_id: str) -> str:
    """The throttle key of an entity whose access code is being tried, by anyone."""
    return "entity:" + entity_id


def retry_after_seconds(locked_for: timedelta) -> int:
    """The Retry-After value: whole seconds, at least one."""
    return max(1, int(locked_for.total_seconds() + 0.999))
