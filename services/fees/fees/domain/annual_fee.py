"""The annual fee (Gov. Code 84101.5): amounts and dates are data with effective dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class AnnualFeeRule:
    effective_from: date
    amount_cents: int
    late_penalty_cents: int
    due_days_after_registration: int


FEE_SCHEDULE: tuple[AnnualFeeRule, ...] = (
    AnnualFeeRule(
        effective_from=date(2013, 1, 1), amount_cents=5000, late_penalty_cents=15000, due_days_after_registration=15
    ),
)


@dataclass(frozen=True)
class AnnualFee:
    fee_year: int
    amount_cents: int
    late_penalty_cents: int
    due_date: date


def rule_on(day: date, schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE) -> AnnualFeeRule:
    """The rule in force on `day`."""
    in_force = [rule for rule in schedule if rule.effective_from <= day]
    if not in_force:
        raise ValueError(f"no annual fee rule in force on {day.isoformat()}")
    return max(in_force, key=lambda rule: rule.effective_from)


def fee_on_registration(registered_on: date, schedule: tuple[AnnualFeeRule, ...] = FEE_SCHEDULE) -> AnnualFee:
    """A newly registered entity owes the fee for its first year within N days of registering."""
    rule = rule_on(registered_on, schedule)
    return AnnualFee(
        fee_year=registered_on.year,
        amount_cents=rule.amount_cents,
        late_penalty_cents=rule.late_penalty_cents,
        due_date=registered_on + timedelta(days=rule.due_days_after_registration),
    )
