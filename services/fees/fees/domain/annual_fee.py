"""The annual fee (Gov. Code 84101.5, 86102): who owes it for which year, how much, and by when. All data.

A committee or lobbying entity owes the fee for the year it registers (due some days after registering)
and for each later calendar year it exists in (due on a fixed day of January). A committee created in
the last months of a year owes nothing for the next one. An entity terminated before a year begins owes
nothing for that year or any later one. A due date falling on a weekend or state holiday moves to the next
business day (the state holiday calendar filing deadlines use), and the late payment penalty with it.
A lobbyist employer or coalition owes the fee only as a registrant (Gov. Code 86102: Form 603); one that
only hires a lobbying firm and files its reports (Form 635) without registering owes none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from cars_shared.calendar_days import next_business_day
from fees.domain.schedule import in_force

COMMITTEE_TYPES: frozenset[str] = frozenset(
    {"recipient_committee", "primarily_formed_committee", "general_purpose_committee"}
)
"""Committees that file a Statement of Organization (Form 410); major donor and IE committees do not."""

LOBBYING_TYPES: frozenset[str] = frozenset({"lobbyist", "lobbying_firm", "lobbyist_employer", "lobbying_coalition"})

REPORT_ONLY_REGISTRATIONS: frozenset[str] = frozenset({"F635"})
"""Forms that put a lobbyist employer or coalition on file without registering it: its first quarterly report
(Form 635), filed by an employer that only contracts with a lobbying firm. No registration, no annual fee."""


@dataclass(frozen=True)
class AnnualFeeRule:
    effective_from: date
    amount_cents: int
    due_month: int
    due_day: int
    """Each later year's fee is due on this day of the year."""
    due_days_after_registration: int
    """The fee of the year of registering is due this many days after registering."""
    due_days_after_late_assessment: int
    """A year's fee first assessed after its usual due day is due this many days after it was assessed."""
    committee_types: frozenset[str]
    lobbying_types: frozenset[str]
    exempt_next_year_from_month: int
    """A committee created in this month or later owes nothing for the next calendar year."""
    report_only_registrations: frozenset[str] = frozenset()
    """An entity first on file by one of these forms (a report, not a registration) owes no fee."""
    due_on_business_day: bool = True
    """A due date on a weekend or state holiday moves to the next business day."""


FEE_SCHEDULE: tuple[AnnualFeeRule, ...] = (
    AnnualFeeRule(
        effective_from=date(2013, 1, 1),
        amount_cents=5000,
        due_month=1,
        due_day=15,
        due_days_after_registration=15,
        due_days_after_late_assessment=15,
        committee_types=COMMITTEE_TYPES,
        lobbying_types=LOBBYING_TYPES,
        exempt_next_year_from_month=10,
        report_only_registrations=REPORT_ONLY_REGISTRATIONS,
    ),
)


@dataclass(frozen=True)
class FeeEntity:
    """A filing entity as the annual fee sees it."""

    entity_type: str
    registered_on: date | None
    terminated_on: date | None = None
    registration_form: str | None = None
    """The form that put the entity on file (None when not known: the entity is taken as registered)."""


@dataclass(frozen=True)
class AnnualFee:
    fee_year: int
    amount_cents: int
    due_on: date


def rule_on(day: date, schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE) -> AnnualFeeRule:
    """The annual fee rule in force on `day`."""
    return in_force(schedule, day, "annual fee")


def rule_of_year(fee_year: int, schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE) -> AnnualFeeRule:
    """The rule a year's fee is charged by: the one in force when the year begins."""
    return rule_on(date(fee_year, 1, 1), schedule)


def is_liable(rule: AnnualFeeRule, entity_type: str, registration_form: str | None = None) -> bool:
    """Committees and registered lobbying entities pay the annual fee; candidates, other filers, and lobbying
    entities on file only by their reports do not."""
    if entity_type in rule.committee_types:
        return True
    return entity_type in rule.lobbying_types and registration_form not in rule.report_only_registrations


def due_date(rule: AnnualFeeRule, day: date) -> date:
    """`day` as a due date: moved past a weekend or state holiday where the rule says so."""
    return next_business_day(day) if rule.due_on_business_day else day


def usual_due_date(fee_year: int, schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE) -> date:
    """The day each year's fee of an existing entity is due (January 15, or the next business day)."""
    rule = rule_of_year(fee_year, schedule)
    return due_date(rule, date(fee_year, rule.due_month, rule.due_day))


def fee_on_registration(
    entity_type: str,
    registered_on: date,
    schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE,
    registration_form: str | None = None,
) -> AnnualFee | None:
    """The fee of the year an entity registers in, due N days after registering; None if it owes none."""
    rule = rule_on(registered_on, schedule)
    if not is_liable(rule, entity_type, registration_form):
        return None
    return AnnualFee(
        fee_year=registered_on.year,
        amount_cents=rule.amount_cents,
        due_on=due_date(rule, registered_on + timedelta(days=rule.due_days_after_registration)),
    )


def owes_yearly_fee(entity: FeeEntity, fee_year: int, schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE) -> bool:
    """Whether an entity registered before `fee_year` owes that year's fee."""
    rule = rule_of_year(fee_year, schedule)
    year_begins = date(fee_year, 1, 1)
    if not is_liable(rule, entity.entity_type, entity.registration_form) or entity.registered_on is None:
        return False
    if entity.registered_on >= year_begins:
        # Registering charges the fee of its own year; the yearly run is for entities that already existed.
        return False
    if entity.terminated_on is not None and entity.terminated_on < year_begins:
        return False
    return not formed_late_the_year_before(entity, fee_year, rule)


def formed_late_the_year_before(entity: FeeEntity, fee_year: int, rule: AnnualFeeRule) -> bool:
    """A committee created in October to December of the year before `fee_year` is exempt for it."""
    registered_on = entity.registered_on
    return (
        entity.entity_type in rule.committee_types
        and registered_on is not None
        and registered_on.year == fee_year - 1
        and registered_on.month >= rule.exempt_next_year_from_month
    )


def yearly_fee(fee_year: int, assessed_on: date, schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE) -> AnnualFee:
    """A year's fee as the yearly run charges it: due January 15, or N days after a late assessment (either moved
    to the next business day)."""
    rule = rule_of_year(fee_year, schedule)
    due_on = usual_due_date(fee_year, schedule)
    if assessed_on > due_on:
        due_on = due_date(rule, assessed_on + timedelta(days=rule.due_days_after_late_assessment))
    return AnnualFee(fee_year=fee_year, amount_cents=rule.amount_cents, due_on=due_on)
