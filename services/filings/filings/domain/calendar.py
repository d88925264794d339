"""Filing dates are California dates: a filing made at 5 p.m. Pacific on June 30 is filed on June 30."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CALIFORNIA_TIME = "America/Los_Angeles"


def filing_date(at: datetime) -> date:
    """The California calendar date of an aware moment."""
    return at.astimezone(ZoneInfo(CALIFORNIA_TIME)).date()
