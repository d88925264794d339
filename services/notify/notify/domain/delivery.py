"""E-mail delivery: its states and when to try again after a failed attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
STATUSES: tuple[str, ...] = (QUEUED, SENDING, SENT, FAILED)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between attempts, giving up after `max_attempts`."""

    max_attempts: int = 6
    first_backoff: timedelta = timedelta(minutes=1)
    max_backoff: timedelta = timedelta(hours=2)

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt (1-based): 1, 2, 4 ... minutes, capped."""
        return min(self.first_backoff * 2 ** (attempts - 1), self.max_backoff)

    def next_attempt_at(self, attempts: int, failed_at: datetime) -> datetime | None:
        """When to try again, or None when the attempts are used up."""
        if attempts >= self.max_attempts:
            return None
        return failed_at + self.backoff(attempts)
