"""The late filing fine (Gov. Code 91013): so much per day from the deadline until the filing arrives, capped,
and waivable by staff where the lateness was not wilful, unless a written notice went unanswered. All data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from fees.domain.schedule import in_force


@dataclass(frozen=True)
class LateFilingRule:
    effective_from: date
    per_day_cents: int
    minimum_cap_cents: int
    """The fine never exceeds the greater of this and the cumulative amount the late filing reports."""
    notice_period_days: int
    """No waiver once the filing was not made within this many days of a written notice."""


LATE_FILING_SCHEDULE: tuple[LateFilingRule, ...] = (
    LateFilingRule(effective_from=date(2000, 1, 1), per_day_cents=1000, minimum_cap_cents=10000, notice_period_days=30),
)


class CapBasis(StrEnum):
    MINIMUM = "minimum"
    """The minimum cap: the amount the late filing reports is not known, or is smaller."""
    REPORTED_AMOUNT = "reported_amount"


@dataclass(frozen=True)
class FineAmount:
    days_late: int
    amount_cents: int
    cap_cents: int
    cap_basis: CapBasis

    @property
    def capped(self) -> bool:
        return self.amount_cents == self.cap_cents


class WaiverRefused(Exception):
    """The fine may not be waived; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def rule_on(deadline: date, schedule: tuple[LateFilingRule, ...] = LATE_FILING_SCHEDULE) -> LateFilingRule:
    """The late filing rule a deadline's fine is charged by: the one in force on the deadline."""
    return in_force(schedule, deadline, "late filing")


def days_late_on(due_on: date, day: date) -> int:
    """Days after the deadline, as filings counts them: filed the day after it is due is one day late."""
    return max((day - due_on).days, 0)


def fine_for(rule: LateFilingRule, days_late: int, reported_amount_cents: int | None) -> FineAmount:
    """The fine for `days_late` days, capped at the greater of the reported amount and the minimum cap.

    `reported_amount_cents` is None while the cumulative amount the late filing reports is not known: the
    cap is then the minimum one.
    """
    if reported_amount_cents is not None and reported_amount_cents > rule.minimum_cap_cents:
        cap, basis = reported_amount_cents, CapBasis.REPORTED_AMOUNT
    else:
        cap, basis = rule.minimum_cap_cents, CapBasis.MINIMUM
    days = max(days_late, 0)
    return FineAmount(days_late=days, amount_cents=min(days * rule.per_day_cents, cap), cap_cents=cap, cap_basis=basis)


def reported_cents(reported_amount: Decimal | None) -> int | None:
    """The cumulative amount a late filing reports (dollars, as filings sends it) in cents; None when not known."""
    if reported_amount is None:
        return None
    return max(int((reported_amount * 100).to_integral_value(rounding=ROUND_HALF_UP)), 0)


def notice_unanswered(rule: LateFilingRule, notice_sent_on: date | None, filed_on: date | None, today: date) -> bool:
    """Whether a written notice went unanswered: the filing was not made within the notice period."""
    if notice_sent_on is None:
        return False
    answer_by = notice_sent_on + timedelta(days=rule.notice_period_days)
    if filed_on is not None:
        return filed_on > answer_by
    return today > answer_by


def check_waiver(
    rule: LateFilingRule,
    *,
    wilful: bool,
    reason: str,
    already_waived: bool,
    notice_sent_on: date | None,
    filed_on: date | None,
    today: date,
) -> None:
    """Raise WaiverRefused unless staff may waive the fine: not wilful, with a reason, no unanswered notice."""
    if already_waived:
        raise WaiverRefused("This fine was already waived.")
    if wilful:
        raise WaiverRefused("A fine for lateness found wilful cannot be waived.", field="wilful")
    if not reason.strip():
        raise WaiverRefused("Give the reason for waiving the fine.", field="reason")
    if notice_unanswered(rule, notice_sent_on, filed_on, today):
        assert notice_sent_on is not None
        raise WaiverRefused(
            f"A written notice sent on {notice_sent_on.isoformat()} went unanswered for "
            f"{rule.notice_period_days} days: the fine can no longer be waived."
        )
