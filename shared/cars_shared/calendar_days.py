"""California state holidays and business days, as data: when a due date falling on a closed day moves.

A filing deadline (Gov. Code 81005) and a fee's due date falling on a Saturday, Sunday or state holiday move
to the next business day. Filings and fees read the same calendar from here, so both move a date alike.

Source: the holidays of Gov. Code 6700 on which state offices close, observed as Gov. Code 6701 says: a
holiday on a fixed date falling on a Sunday is observed the Monday after; one falling on a Saturday is not
moved (the office is closed that day anyway), except Veterans Day, observed the Friday before. Thanksgiving
and the day after are the days the Governor appoints (6700(a), state offices close on both).

Conservatively, Lincoln Day (February 12) and Native American Day (the fourth Friday of September) count as
closed: both are 6700 holidays, so a date on them moves to the next day and nobody is fined or charged a
penalty for a day the office may have been closed. Left out: 6700 days on which state offices stay open
(Admission Day, Columbus Day, the afternoon of Good Friday, Juneteenth, Lunar New Year, Genocide
Remembrance Day).
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum


class Weekday(IntEnum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@dataclass(frozen=True)
class FixedDay:
    """A holiday on the same date every year; Sunday moves it to Monday, `saturday_to_friday` Saturday to Friday."""

    month: int
    day: int
    saturday_to_friday: bool = False

    def observed_in(self, year: int) -> date:
        day = date(year, self.month, self.day)
        if day.weekday() == Weekday.SUNDAY:
            return day + timedelta(days=1)
        if day.weekday() == Weekday.SATURDAY and self.saturday_to_friday:
            return day - timedelta(days=1)
        return day


@dataclass(frozen=True)
class NthWeekday:
    """A holiday on the nth weekday of a month (n = -1: the last), plus `days_after` (the day after Thanksgiving)."""

    month: int
    weekday: Weekday
    n: int
    days_after: int = 0

    def observed_in(self, year: int) -> date:
        days = [
            date(year, self.month, day)
            for day in range(1, calendar.monthrange(year, self.month)[1] + 1)
            if date(year, self.month, day).weekday() == self.weekday
        ]
        return days[self.n - 1 if self.n > 0 else self.n] + timedelta(days=self.days_after)


STATE_HOLIDAYS: tuple[tuple[str, FixedDay | NthWeekday], ...] = (
    ("New Year's Day", FixedDay(1, 1)),
    ("Martin Luther King Jr. Day", NthWeekday(1, Weekday.MONDAY, 3)),
    ("Lincoln Day", FixedDay(2, 12)),
    ("Presidents' Day", NthWeekday(2, Weekday.MONDAY, 3)),
    ("Cesar Chavez Day", FixedDay(3, 31)),
    ("Memorial Day", NthWeekday(5, Weekday.MONDAY, -1)),
    ("Independence Day", FixedDay(7, 4)),
    ("Labor Day", NthWeekday(9, Weekday.MONDAY, 1)),
    ("Native American Day", NthWeekday(9, Weekday.FRIDAY, 4)),
    ("Veterans Day", FixedDay(11, 11, saturday_to_friday=True)),
    ("Thanksgiving Day", NthWeekday(11, Weekday.THURSDAY, 4)),
    ("Day after Thanksgiving", NthWeekday(11, Weekday.THURSDAY, 4, days_after=1)),
    ("Christmas Day", FixedDay(12, 25)),
)
"""The days state offices close (Gov. Code 6700 and 6701, see the module's note), by name."""


def state_holidays(year: int) -> dict[date, str]:
    """The state holidays observed in `year`, by date."""
    return dict(_observed_holidays(year))


@functools.lru_cache(maxsize=64)
def _observed_holidays(year: int) -> tuple[tuple[date, str], ...]:
    return tuple((rule.observed_in(year), name) for name, rule in STATE_HOLIDAYS)


@functools.lru_cache(maxsize=64)
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(day for day, _name in _observed_holidays(year))


def is_business_day(day: date) -> bool:
    """Whether state offices are open on `day`: a weekday that is no observed state holiday."""
    return day.weekday() < Weekday.SATURDAY and day not in _holiday_dates(day.year)


def next_business_day(day: date) -> date:
    """`day` itself when the office is open then, otherwise the next day it is."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day
