"""Filing deadlines as data: state holidays, when each kind of period is due, and what each entity owes.

Deadlines falling on a Saturday, Sunday or state holiday move to the next business day (Gov. Code
81005); 24-hour reports are due within 24 hours whatever the day.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# The state holiday calendar is shared with fees; its names are re-exported here for filings' callers.
from cars_shared.calendar_days import STATE_HOLIDAYS as STATE_HOLIDAYS
from cars_shared.calendar_days import is_business_day as is_business_day
from cars_shared.calendar_days import next_business_day
from cars_shared.calendar_days import state_holidays as state_holidays
from filings.domain.periods import (
    ELECTIONS,
    FORM_CADENCES,
    Cadence,
    Election,
    PeriodKind,
    ReportingPeriod,
    calendar_periods,
    pre_election_closings,
    twenty_four_hour_window,
)

CALENDAR_STARTS = date(2024, 1, 1)
"""The first day of the first period the calendar enforces: earlier periods were filed in CAL-ACCESS."""


@dataclass(frozen=True)
class MonthEndAfterClosing:
    """Due on the last day of the `months`-th month after the period closes (semi-annual, quarterly)."""

    months: int = 1

    def due(self, period: ReportingPeriod) -> date:
        month_index = period.end.month - 1 + self.months
        year, month = period.end.year + month_index // 12, month_index % 12 + 1
        return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class DaysBeforeElection:
    """Due a number of days before the election the period leads up to (pre-election statements)."""

    days: int

    def due(self, period: ReportingPeriod) -> date:
        if period.election is None:
            raise ValueError(f"a {period.kind} period names its election")
        return period.election.held_on - timedelta(days=self.days)


@dataclass(frozen=True)
class DaysAfterStart:
    """Due a number of days after the reported day (24-hour reports: by the end of the next day)."""

    days: int

    def due(self, period: ReportingPeriod) -> date:
        return period.start + timedelta(days=self.days)


@dataclass(frozen=True)
class DueDateRule:
    rule: MonthEndAfterClosing | DaysBeforeElection | DaysAfterStart
    moves_to_business_day: bool
    description: str


DUE_DATE_RULES: dict[PeriodKind, DueDateRule] = {
    PeriodKind.SEMI_ANNUAL: DueDateRule(
        MonthEndAfterClosing(1), True, "Semi-annual statement, due July 31 and January 31"
    ),
    PeriodKind.FIRST_PRE_ELECTION: DueDateRule(
        DaysBeforeElection(40), True, "First pre-election statement, due 40 days before the election"
    ),
    PeriodKind.SECOND_PRE_ELECTION: DueDateRule(
        DaysBeforeElection(12), True, "Second pre-election statement, due 12 days before the election"
    ),
    PeriodKind.QUARTERLY: DueDateRule(
        MonthEndAfterClosing(1), True, "Quarterly report, due the last day of the month after the quarter"
    ),
    PeriodKind.TWENTY_FOUR_HOUR: DueDateRule(
        DaysAfterStart(1), False, "24-hour report, due within 24 hours of the contribution or expenditure"
    ),
}


# Every entity owing a period asks for its due date; it is the same for all of them.
@functools.lru_cache(maxsize=4096)
def due_on(period: ReportingPeriod) -> date:
    """The day a filing for `period` is due, moved past weekends and holidays where the rule allows."""
    rule = DUE_DATE_RULES[period.kind]
    day = rule.rule.due(period)
    return next_business_day(day) if rule.moves_to_business_day else day


ENTITY_CALENDARS: dict[str, tuple[str, ...]] = {
    "recipient_committee": ("F460",),
    "primarily_formed_committee": ("F460",),
    "general_purpose_committee": ("F460",),
    "candidate": ("F460",),
    "major_donor_committee": ("F461",),
    "independent_expenditure_committee": ("F461",),
    "lobbyist": ("F615",),
    "lobbying_firm": ("F625",),
    "lobbyist_employer": ("F635",),
    "lobbying_coalition": ("F635",),
    "person_spending_to_influence": ("F645",),
}
"""The periodic reports each type of entity owes on the calendar."""

FORMS_MEETING: dict[str, frozenset[str]] = {"F460": frozenset({"F460", "F450"})}
"""Forms that meet a deadline of another: a committee eligible for the short Form 450 files it instead of 460."""


def forms_meeting(form: str) -> frozenset[str]:
    """The forms a filing may be on to meet a deadline of `form`."""
    return FORMS_MEETING.get(form, frozenset({form}))


@dataclass(frozen=True)
class Obligor:
    """What the calendar needs to know of an entity: its type, when it began and ended, its elections."""

    entity_id: str
    entity_type: str
    registered_on: date
    terminated_on: date | None = None
    elections: tuple[Election, ...] = ()
    migrated_on: date | None = None
    """For an entity migrated from CAL-ACCESS: deadlines falling due before this day were kept there."""


@dataclass(frozen=True)
class Deadline:
    """A filing an entity owes: the form, the period it covers (cut to the entity's life) and its due date."""

    entity_id: str
    form: str
    period_start: date
    period_end: date
    kind: PeriodKind
    due_on: date
    election: Election | None = None

    @property
    def description(self) -> str:
        return DUE_DATE_RULES[self.kind].description

    def is_met_by(self, filed_start: date | None, filed_end: date | None) -> bool:
        """Whether a filing of this form covering `filed_start`..`filed_end` reports on this period.

        A filing covering the period's last day meets it: a statement consolidating several periods, or a
        final statement through the day of termination.
        """
        if filed_start is None or filed_end is None:
            return False
        return filed_start <= self.period_end <= filed_end


def owed_periods(obligor: Obligor, first_day: date, last_day: date) -> list[Deadline]:
    """The calendar filings `obligor` owes whose due date falls between `first_day` and `last_day`, by due date.

    An entity owes from the later of its registration and `CALENDAR_STARTS`; a terminated one owes the
    period it terminated in (through the day of termination) and nothing after; a migrated one owes
    nothing that fell due before its migration.
    """
    begins = max(obligor.registered_on, CALENDAR_STARTS)
    ends = obligor.terminated_on
    deadlines: list[Deadline] = []
    # Periods close before they are due; a year's margin finds every period due within the range.
    search_from = first_day - timedelta(days=366)
    for form in ENTITY_CALENDARS.get(obligor.entity_type, ()):
        for period in calendar_periods(form, search_from, last_day, obligor.elections):
            if period.end < begins or (ends is not None and period.start > ends):
                continue
            due = due_on(period)
            if not first_day <= due <= last_day or (obligor.migrated_on is not None and due < obligor.migrated_on):
                continue
            deadlines.append(
                Deadline(
                    entity_id=obligor.entity_id,
                    form=form,
                    period_start=max(period.start, begins),
                    period_end=min(period.end, ends) if ends is not None else period.end,
                    kind=period.kind,
                    due_on=due,
                    election=period.election,
                )
            )
    return sorted(deadlines, key=lambda deadline: (deadline.due_on, deadline.form))


def elections_reported_for(elections: Iterable[Election], period_ends: Iterable[date]) -> tuple[Election, ...]:
    """The elections a filer has filed a pre-election statement for: it owes that election's other one too."""
    ends = set(period_ends)
    return tuple(election for election in elections if ends.intersection(pre_election_closings(election)))


def twenty_four_hour_deadline(
    entity_id: str, form: str, reported_day: date, elections: Iterable[Election]
) -> Deadline | None:
    """When a 24-hour report on `reported_day` is due; None when no election's 90-day window requires one."""
    for election in elections:
        window_start, window_end = twenty_four_hour_window(election)
        if window_start <= reported_day <= window_end:
            period = ReportingPeriod(form, reported_day, reported_day, PeriodKind.TWENTY_FOUR_HOUR, election)
            return Deadline(entity_id, form, reported_day, reported_day, period.kind, due_on(period), election)
    return None


def days_late(deadline_due_on: date, filed_or_checked_on: date) -> int:
    """Days after the due date (0 when on time): filed the day after it is due is one day late."""
    return max((filed_or_checked_on - deadline_due_on).days, 0)


def filers_of(form: str) -> tuple[str, ...]:
    """The entity types whose calendar includes `form`."""
    return tuple(entity_type for entity_type, forms in ENTITY_CALENDARS.items() if form in forms)


@dataclass(frozen=True)
class CalendarEntry:
    """A line of the public filing calendar: a form, the period it covers and when it is due."""

    form: str
    kind: PeriodKind
    period_start: date
    period_end: date
    due_on: date
    election: Election | None = None

    @property
    def description(self) -> str:
        return DUE_DATE_RULES[self.kind].description


@dataclass(frozen=True)
class ReportingWindow:
    """Days in which contributions or expenditures of $1,000 or more need a 24-hour report on `form`."""

    form: str
    election: Election
    first_day: date
    last_day: date


def filing_calendar(year: int, elections: Iterable[Election] = ELECTIONS) -> list[CalendarEntry]:
    """Every calendar filing due in `year`: each form's regular periods, and the pre-election statements
    of filers in each of `elections`."""
    first_day, last_day = date(year, 1, 1), date(year, 12, 31)
    elections = tuple(elections)
    entries: set[CalendarEntry] = set()
    for form in sorted({form for forms in ENTITY_CALENDARS.values() for form in forms}):
        # A year and a bit before: the periods closing at the end of last year fall due in this one.
        search_from = first_day - timedelta(days=366)
        for period in calendar_periods(form, search_from, last_day):
            entries.add(CalendarEntry(form, period.kind, period.start, period.end, due_on(period)))
        for election in elections:
            for period in calendar_periods(form, search_from, last_day, (election,)):
                if period.election == election:
                    entries.add(CalendarEntry(form, period.kind, period.start, period.end, due_on(period), election))
    return sorted(
        (entry for entry in entries if first_day <= entry.due_on <= last_day),
        key=lambda entry: (entry.due_on, entry.form, entry.period_end),
    )


def reporting_windows(year: int, elections: Iterable[Election] = ELECTIONS) -> list[ReportingWindow]:
    """The 24-hour reporting windows of the elections held in `year`."""
    forms = sorted(form for form, cadences in FORM_CADENCES.items() if Cadence.TWENTY_FOUR_HOUR in cadences)
    windows = []
    for election in elections:
        if election.held_on.year != year:
            continue
        first, last = twenty_four_hour_window(election)
        windows.extend(ReportingWindow(form, election, first, last) for form in forms)
    return sorted(windows, key=lambda window: (window.first_day, window.form))
