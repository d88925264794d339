"""When a saved search's alerts run: never, daily or weekly, at a fixed hour."""

from __future__ import annotations

from datetime import datetime, time, timedelta

NEVER = "never"
DAILY = "daily"
WEEKLY = "weekly"
SCHEDULES: tuple[str, ...] = (NEVER, DAILY, WEEKLY)

# 14:00 UTC is early morning in California all year: alerts arrive before the working day starts.
ALERT_HOUR_UTC = 14

_WAIT_BEFORE_SLOT = {DAILY: timedelta(0), WEEKLY: timedelta(days=6)}


def next_run_at(schedule: str, after: datetime) -> datetime | None:
    """The first alert hour after `after` (daily), or the first one at least six days after it (weekly), so a
    weekly alert covers about a week; None when the search is not scheduled."""
    if schedule == NEVER:
        return None
    if schedule not in _WAIT_BEFORE_SLOT:
        raise ValueError(f"a schedule is one of {', '.join(SCHEDULES)}, not {schedule!r}")
    earliest = after + _WAIT_BEFORE_SLOT[schedule]
    slot = datetime.combine(earliest.date(), time(ALERT_HOUR_UTC), tzinfo=after.tzinfo)
    return slot if slot > earliest else slot + timedelta(days=1)


def is_newer(moment: datetime, document_id: str, watermark: tuple[datetime, str] | None) -> bool:
    """Whether a match came after the newest one seen at the last run (by time, then id for the same time)."""
    return watermark is None or (moment, document_id) > watermark
