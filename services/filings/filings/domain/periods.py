"""Reporting periods as data: which periods the filing calendar defines for each form.

Campaign statements close semi-annually (June 30, December 31) and, for filers taking part in an
election, on the two pre-election closing dates (45 and 17 days before it); lobbying reports close
quarterly; 24-hour reports cover the day of one contribution or expenditure.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ElectionKind(StrEnum):
    PRIMARY = "primary"
    GENERAL = "general"
    SPECIAL = "special"


@dataclass(frozen=True)
class Election:
    held_on: date
    kind: ElectionKind
    name: str


ELECTIONS: tuple[Election, ...] = (
    Election(date(2024, 3, 5), ElectionKind.PRIMARY, "March 5, 2024 Presidential Primary Election"),
    Election(date(2024, 11, 5), ElectionKind.GENERAL, "November 5, 2024 General Election"),
    Election(date(2025, 11, 4), ElectionKind.SPECIAL, "November 4, 2025 Statewide Special Election"),
    Election(date(2026, 6, 2), ElectionKind.PRIMARY, "June 2, 2026 Statewide Direct Primary Election"),
    Election(date(2026, 11, 3), ElectionKind.GENERAL, "November 3, 2026 General Election"),
    Election(date(2028, 3, 7), ElectionKind.PRIMARY, "March 7, 2028 Presidential Primary Election"),
    Election(date(2028, 11, 7), ElectionKind.GENERAL, "November 7, 2028 General Election"),
)
"""Statewide elections, 2024 to 2028. Adding an election is adding a row."""


def election_on(held_on: date) -> Election:
    """The statewide election held on `held_on` (a KeyError when there is none)."""
    for election in ELECTIONS:
        if election.held_on == held_on:
            return election
    raise KeyError(f"no statewide election on {held_on.isoformat()}")


class PeriodKind(StrEnum):
    SEMI_ANNUAL = "semi_annual"
    FIRST_PRE_ELECTION = "first_pre_election"
    SECOND_PRE_ELECTION = "second_pre_election"
    QUARTERLY = "quarterly"
    TWENTY_FOUR_HOUR = "twenty_four_hour"


class Cadence(StrEnum):
    """How often a form's periods close."""

    SEMI_ANNUAL = "semi_annual"
    PRE_ELECTION = "pre_election"
    QUARTERLY = "quarterly"
    TWENTY_FOUR_HOUR = "twenty_four_hour"


FORM_CADENCES: dict[str, frozenset[Cadence]] = {
    "F460": frozenset({Cadence.SEMI_ANNUAL, Cadence.PRE_ELECTION}),
    "F450": frozenset({Cadence.SEMI_ANNUAL, Cadence.PRE_ELECTION}),
    "F461": frozenset({Cadence.SEMI_ANNUAL, Cadence.PRE_ELECTION}),
    "F615": frozenset({Cadence.QUARTERLY}),
    "F625": frozenset({Cadence.QUARTERLY}),
    "F635": frozenset({Cadence.QUARTERLY}),
    "F645": frozenset({Cadence.QUARTERLY}),
    "F496": frozenset({Cadence.TWENTY_FOUR_HOUR}),
    "F497": frozenset({Cadence.TWENTY_FOUR_HOUR}),
}
"""The filing calendar of each periodic form; a form not listed here (registrations) has none."""

SEMI_ANNUAL_CLOSINGS: tuple[tuple[int, int], ...] = ((6, 30), (12, 31))
QUARTER_CLOSINGS: tuple[tuple[int, int], ...] = ((3, 31), (6, 30), (9, 30), (12, 31))
FIRST_PRE_ELECTION_DAYS_BEFORE = 45
SECOND_PRE_ELECTION_DAYS_BEFORE = 17
TWENTY_FOUR_HOUR_WINDOW_DAYS = 90
"""24-hour reports are owed for contributions of $1,000 or more made in the 90 days before an election."""
TWENTY_FOUR_HOUR_MAX_SPAN = timedelta(days=1)


@dataclass(frozen=True)
class ReportingPeriod:
    """A span the calendar defines for a form: from `start` through its closing date `end`."""

    form: str
    start: date
    end: date
    kind: PeriodKind
    election: Election | None = None

    def admits(self, start: date, end: date) -> bool:
        """Whether a filing covering `start`..`end` reports on this period.

        A later start is admitted: a filer registered during the period reports from its registration.
        """
        return end == self.end and self.start <= start <= end


def cadences_of(form_code: str) -> frozenset[Cadence]:
    """The cadences of `form_code`'s calendar (empty for a form without one)."""
    return FORM_CADENCES.get(form_code, frozenset())


def pre_election_closings(election: Election) -> tuple[date, date]:
    """The closing dates of the first and second pre-election statements for `election`."""
    return (
        election.held_on - timedelta(days=FIRST_PRE_ELECTION_DAYS_BEFORE),
        election.held_on - timedelta(days=SECOND_PRE_ELECTION_DAYS_BEFORE),
    )


def _closings(month_days: tuple[tuple[int, int], ...], first_year: int, last_year: int) -> list[date]:
    return [date(year, month, day) for year in range(first_year, last_year + 1) for month, day in month_days]


def _spans(form_code: str, labels: dict[date, tuple[PeriodKind, Election | None]]) -> Iterator[ReportingPeriod]:
    """Consecutive periods between the closing dates: each starts the day after the one before closed."""
    closings = sorted(labels)
    for previous, closing in zip(closings, closings[1:], strict=False):
        kind, election = labels[closing]
        yield ReportingPeriod(form_code, previous + timedelta(days=1), closing, kind, election)


def calendar_periods(
    form_code: str, first_day: date, last_day: date, elections: Iterable[Election] = ()
) -> list[ReportingPeriod]:
    """The periods of `form_code` closing between `first_day` and `last_day` (inclusive), in order.

    `elections` are those the filer takes part in: each adds its two pre-election periods, and the
    semi-annual period the pre-election statements already cover through is folded into them.
    """
    return list(_calendar_periods(form_code, first_day, last_day, tuple(elections)))


# Every entity of a type asks for the same periods: the late-filing check over all entities computes each once.
@functools.lru_cache(maxsize=4096)
def _calendar_periods(
    form_code: str, first_day: date, last_day: date, elections: tuple[Election, ...]
) -> tuple[ReportingPeriod, ...]:
    cadences = cadences_of(form_code)
    # One year either side so that the first period in range knows when the one before it closed.
    first_year, last_year = first_day.year - 1, last_day.year + 1
    labels: dict[date, tuple[PeriodKind, Election | None]] = {}
    if Cadence.QUARTERLY in cadences:
        for closing in _closings(QUARTER_CLOSINGS, first_year, last_year):
            labels[closing] = (PeriodKind.QUARTERLY, None)
    if Cadence.SEMI_ANNUAL in cadences:
        for closing in _closings(SEMI_ANNUAL_CLOSINGS, first_year, last_year):
            labels[closing] = (PeriodKind.SEMI_ANNUAL, None)
    if Cadence.PRE_ELECTION in cadences:
        for election in elections:
            if not first_year <= election.held_on.year <= last_year:
                continue
            first_closing, second_closing = pre_election_closings(election)
            # A semi-annual closing between the two pre-election closings is covered by the second one.
            for closing in [c for c in labels if first_closing < c < second_closing]:
                del labels[closing]
            labels[first_closing] = (PeriodKind.FIRST_PRE_ELECTION, election)
            labels[second_closing] = (PeriodKind.SECOND_PRE_ELECTION, election)
    return tuple(period for period in _spans(form_code, labels) if first_day <= period.end <= last_day)


def twenty_four_hour_window(election: Election) -> tuple[date, date]:
    """The days (inclusive) in which a contribution of $1,000 or more needs a 24-hour report."""
    return election.held_on - timedelta(days=TWENTY_FOUR_HOUR_WINDOW_DAYS), election.held_on - timedelta(days=1)


def period_matches(form_code: str, start: date, end: date) -> bool:
    """Whether `start`..`end` is a period the filing calendar defines for `form_code`.

    The period must close on one of the form's closing dates and start no earlier than the calendar
    period closing then (a later start is a filer registered mid-period). A form without calendar: True.
    """
    cadences = cadences_of(form_code)
    if not cadences:
        return True
    if start > end:
        return False
    if Cadence.TWENTY_FOUR_HOUR in cadences:
        return end - start <= TWENTY_FOUR_HOUR_MAX_SPAN
    # An ordinary filer, and a filer in each election of the table taken alone.
    filer_elections: list[tuple[Election, ...]] = [(), *((election,) for election in ELECTIONS)]
    return any(
        period.admits(start, end)
        for elections in filer_elections
        for period in calendar_periods(form_code, end, end, elections)
    )
