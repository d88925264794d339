"""Aging of what entities owe: open amounts by how long past due, and the receivables report by entity type."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fees.domain.ledger import Account


@dataclass(frozen=True)
class AgingBucket:
    key: str
    label: str
    min_days_past_due: int | None
    """Inclusive; None: anything not yet past due."""
    max_days_past_due: int | None
    """Inclusive; None: no upper bound."""


AGING_BUCKETS: tuple[AgingBucket, ...] = (
    AgingBucket("current", "Not yet due", None, 0),
    AgingBucket("days_1_30", "1 to 30 days past due", 1, 30),
    AgingBucket("days_31_60", "31 to 60 days past due", 31, 60),
    AgingBucket("days_61_90", "61 to 90 days past due", 61, 90),
    AgingBucket("over_90", "More than 90 days past due", 91, None),
)


def days_past_due(due_on: date, as_of: date) -> int:
    """Days after the due date (0 or less: not yet past due)."""
    return (as_of - due_on).days


def bucket_of(due_on: date, as_of: date, buckets: tuple[AgingBucket, ...] = AGING_BUCKETS) -> AgingBucket:
    """The bucket an amount due on `due_on` falls in on `as_of`."""
    days = days_past_due(due_on, as_of)
    for bucket in buckets:
        above_min = bucket.min_days_past_due is None or days >= bucket.min_days_past_due
        below_max = bucket.max_days_past_due is None or days <= bucket.max_days_past_due
        if above_min and below_max:
            return bucket
    raise ValueError(f"no aging bucket holds {days} days past due")


def aging_of(account: Account, as_of: date, buckets: tuple[AgingBucket, ...] = AGING_BUCKETS) -> dict[str, int]:
    """Open cents of the account's items by aging bucket (every bucket present)."""
    aged = {bucket.key: 0 for bucket in buckets}
    for item in account.open_items:
        aged[bucket_of(item.due_on, as_of, buckets).key] += item.open_cents
    return aged


@dataclass
class ReceivablesLine:
    """What the entities of one type owe, aged, and the credit they hold."""

    entity_type: str
    entities_owing: int = 0
    entities_in_credit: int = 0
    by_bucket: dict[str, int] = field(default_factory=lambda: {bucket.key: 0 for bucket in AGING_BUCKETS})
    credit_cents: int = 0

    @property
    def open_cents(self) -> int:
        return sum(self.by_bucket.values())

    def add(self, account: Account, as_of: date) -> None:
        aged = aging_of(account, as_of)
        if any(aged.values()):
            self.entities_owing += 1
        if account.unapplied_credit_cents > 0:
            self.entities_in_credit += 1
            self.credit_cents += account.unapplied_credit_cents
        for key, cents in aged.items():
            self.by_bucket[key] += cents


@dataclass
class Receivables:
    """The receivables report as of a day: one line per entity type, and their total."""

    as_of: date
    lines: dict[str, ReceivablesLine] = field(default_factory=dict)

    def add(self, entity_type: str, account: Account) -> None:
        line = self.lines.get(entity_type)
        if line is None:
            line = self.lines[entity_type] = ReceivablesLine(entity_type)
        line.add(account, self.as_of)

    @property
    def total(self) -> ReceivablesLine:
        total = ReceivablesLine("total")
        for line in self.lines.values():
            total.entities_owing += line.entities_owing
            total.entities_in_credit += line.entities_in_credit
            total.credit_cents += line.credit_cents
            for key, cents in line.by_bucket.items():
                total.by_bucket[key] += cents
        return total

    def sorted_lines(self) -> list[ReceivablesLine]:
        return [self.lines[entity_type] for entity_type in sorted(self.lines)]
