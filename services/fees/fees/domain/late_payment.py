"""The late payment penalty (Gov. Code 84101.5(c)): a fixed amount when a year's annual fee is not paid by its
due date. Data with effective dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fees.domain.schedule import in_force


@dataclass(frozen=True)
class LatePaymentRule:
    effective_from: date
    penalty_cents: int


LATE_PAYMENT_SCHEDULE: tuple[LatePaymentRule, ...] = (
    LatePaymentRule(effective_from=date(2013, 1, 1), penalty_cents=15000),
)


def rule_on(day: date, schedule: tuple[LatePaymentRule, ...] = LATE_PAYMENT_SCHEDULE) -> LatePaymentRule:
    """The late payment rule in force on `day`."""
    return in_force(schedule, day, "late payment")


def penalty_for(fee_due_on: date, schedule: tuple[LatePaymentRule, ...] = LATE_PAYMENT_SCHEDULE) -> int:
    """The penalty a fee unpaid after `fee_due_on` costs, by the rule in force on that day."""
    return rule_on(fee_due_on, schedule).penalty_cents


def penalty_owed(fee_due_on: date, unpaid_at_due_date_cents: int, as_of: date) -> bool:
    """A penalty is owed once the due date has passed with any of the fee still unpaid on it."""
    return as_of > fee_due_on and unpaid_at_due_date_cents > 0
