"""Fee days are California days: a fee assessed at 5 p.m. Pacific on January 14 is assessed on January 14."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CALIFORNIA_TIME = ZoneInfo("America/Los_Angeles")


def california_today(now: datetime | None = None) -> date:
    """The California calendar date of `now` (default: this moment)."""
    return (now or datetime.now(UTC)).astimezone(CALIFORNIA_TIME).date()
