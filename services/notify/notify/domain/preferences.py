"""A person's choice of which notices reach them by e-mail, and whether at once or in a daily digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

CORRESPONDENCE = "correspondence"
PAYMENT_REMINDER = "payment_reminder"
# Kinds a person may choose; e-mails about their own account and links always go, at once.
NOTICE_KINDS: tuple[str, ...] = (CORRESPONDENCE, PAYMENT_REMINDER)

IMMEDIATE = "immediate"
DAILY_DIGEST = "daily_digest"
DELIVERIES: tuple[str, ...] = (IMMEDIATE, DAILY_DIGEST)

# 15:00 UTC is early morning in California all year, so the digest is waiting at the start of the working day.
DIGEST_HOUR_UTC = 15


@dataclass(frozen=True)
class Preference:
    """Every kind by e-mail, at once, until the person says otherwise."""

    email_kinds: frozenset[str] = field(default_factory=lambda: frozenset(NOTICE_KINDS))
    delivery: str = IMMEDIATE

    def __post_init__(self) -> None:
        unknown = set(self.email_kinds) - set(NOTICE_KINDS)
        if unknown:
            raise ValueError(f"unknown kinds of notice: {', '.join(sorted(unknown))}")
        if self.delivery not in DELIVERIES:
            raise ValueError(f"delivery must be one of {', '.join(DELIVERIES)}")

    def emails(self, kind: str) -> bool:
        """Whether notices of `kind` are e-mailed at all (they are always on the dashboard)."""
        return kind in self.email_kinds

    @property
    def in_digest(self) -> bool:
        return self.delivery == DAILY_DIGEST


def digest_due(now: datetime, last_digest_on: date | None) -> bool:
    """A digest goes out once a day, from the digest hour on, unless today's already went."""
    return now.hour >= DIGEST_HOUR_UTC and (last_digest_on is None or last_digest_on < now.date())
