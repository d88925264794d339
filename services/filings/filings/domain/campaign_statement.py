"""Form 460, Recipient Committee Campaign Statement: the summary, Schedule A and their rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from filings.domain.errors import RuleViolation

ITEMIZATION_THRESHOLD = Decimal("100")
"""A contribution of this much or more must identify its contributor (itemization, Gov. Code 84211(f))."""

CONTRIBUTOR_DETAILS: tuple[str, ...] = ("contributor_name", "city", "state", "zip", "occupation", "employer")


@dataclass(frozen=True)
class Contribution:
    """One Schedule A line: a monetary contribution received."""

    amount: Decimal
    date: date
    contributor_name: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    occupation: str | None = None
    employer: str | None = None


@dataclass(frozen=True)
class CampaignStatement:
    period_start: date
    period_end: date
    contributions_received: Decimal
    expenditures_made: Decimal
    schedule_a: tuple[Contribution, ...] = field(default_factory=tuple)

    def totals(self) -> dict[str, Decimal]:
        """The summary totals published with the filing."""
        return {"contributions_received": self.contributions_received, "expenditures_made": self.expenditures_made}


def is_whole_cents(amount: Decimal) -> bool:
    """Whether `amount` has at most two decimals (trailing zeros do not count)."""
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        return False
    excess = -2 - exponent
    return excess <= 0 or all(digit == 0 for digit in digits[-excess:])


def amount_violations(amount: Decimal, path: str) -> list[RuleViolation]:
    """An amount is a finite, non-negative number of dollars and cents."""
    if not amount.is_finite():
        return [RuleViolation(path, "Must be a number.")]
    found = []
    if amount < 0:
        found.append(RuleViolation(path, "Must not be negative."))
    if not is_whole_cents(amount):
        found.append(RuleViolation(path, "Must have at most two decimals."))
    return found


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def contribution_violations(
    contribution: Contribution, index: int, statement: CampaignStatement
) -> list[RuleViolation]:
    """The rules of one Schedule A line, numbered from 0 in field paths."""
    path = f"schedule_a.{index}"
    found = amount_violations(contribution.amount, f"{path}.amount")
    if not statement.period_start <= contribution.date <= statement.period_end:
        found.append(RuleViolation(f"{path}.date", "Must fall within the statement's period."))
    if contribution.amount.is_finite() and contribution.amount >= ITEMIZATION_THRESHOLD:
        found.extend(
            RuleViolation(f"{path}.{name}", f"Required for a contribution of ${ITEMIZATION_THRESHOLD} or more.")
            for name in CONTRIBUTOR_DETAILS
            if _blank(getattr(contribution, name))
        )
    return found


def violations(statement: CampaignStatement) -> list[RuleViolation]:
    """Every rule the statement breaks, each naming its field; empty when it may be accepted."""
    found: list[RuleViolation] = []
    if statement.period_end < statement.period_start:
        found.append(RuleViolation("period_end", "Must not be before period_start."))
    found.extend(amount_violations(statement.contributions_received, "contributions_received"))
    found.extend(amount_violations(statement.expenditures_made, "expenditures_made"))
    for index, contribution in enumerate(statement.schedule_a):
        found.extend(contribution_violations(contribution, index, statement))
    amounts = [c.amount for c in statement.schedule_a]
    # A line that is itself wrong would only make the sum wrong too; report the line alone.
    if not any(amount_violations(amount, "") for amount in [statement.contributions_received, *amounts]):
        listed = sum(amounts, Decimal(0))
        if statement.contributions_received != listed:
            message = f"Must equal the sum of the Schedule A contributions ({listed})."
            found.append(RuleViolation("contributions_received", message))
    return found
