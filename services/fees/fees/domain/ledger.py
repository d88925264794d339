"""An entity's account: append-only entries in integer cents, and what they add up to.

Every entry belongs to a receivable item (the charge it opened or applies to) or to none: a credit that
belongs to no item (a payment, a credit adjustment) goes into a pool applied to the open items oldest
first (earliest due date, then earliest charged); what is left over is held as credit. Balance and aging
are always derived from the entries, never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class EntryKind(StrEnum):
    ANNUAL_FEE = "annual_fee"
    LATE_PAYMENT_PENALTY = "late_payment_penalty"
    LATE_FILING_FINE = "late_filing_fine"
    ADJUSTMENT = "adjustment"
    WAIVER = "waiver"
    REVERSAL = "reversal"
    PAYMENT = "payment"


CHARGE_KINDS: frozenset[str] = frozenset(
    {EntryKind.ANNUAL_FEE, EntryKind.LATE_PAYMENT_PENALTY, EntryKind.LATE_FILING_FINE}
)
"""Kinds of entry the rules charge; each opens a receivable item of its (entity, rule, period)."""


@dataclass(frozen=True)
class Entry:
    """One ledger entry: positive cents are owed by the entity, negative cents are credited to it."""

    seq: int
    entry_id: str
    kind: str
    amount_cents: int
    item_id: str | None
    effective_on: date
    due_on: date | None = None
    description: str = ""


@dataclass
class Item:
    """A receivable: the entries of one charge (its accruals, waivers, reversals, adjustments) and what paid it."""

    item_id: str
    kind: str
    description: str
    due_on: date
    opened_seq: int
    charged_cents: int = 0
    """Net of the item's own entries."""
    applied_cents: int = 0
    """Pooled credits (payments) applied to it, oldest item first."""

    @property
    def open_cents(self) -> int:
        return max(self.charged_cents, 0) - self.applied_cents


@dataclass(frozen=True)
class Account:
    items: tuple[Item, ...]
    balance_cents: int
    """What the entity owes (negative: what it is owed), the sum of every entry counted."""
    unapplied_credit_cents: int
    """Credit left after paying every open item."""
    entries: tuple[Entry, ...] = field(default=())

    @property
    def open_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.open_cents > 0)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.item_id == item_id), None)


def account_of(entries: Iterable[Entry], as_of: date | None = None) -> Account:
    """The account the entries make, counting those effective on or before `as_of` (all when None)."""
    counted = sorted((entry for entry in entries if as_of is None or entry.effective_on <= as_of), key=lambda e: e.seq)
    items: dict[str, Item] = {}
    pool = 0
    for entry in counted:
        if entry.item_id is None:
            # A payment of -5000 puts 5000 in the pool; its reversal (+5000) takes it back out.
            pool -= entry.amount_cents
            continue
        item = items.get(entry.item_id)
        if item is None:
            item = Item(entry.item_id, entry.kind, entry.description, entry.due_on or entry.effective_on, entry.seq)
            items[entry.item_id] = item
        item.charged_cents += entry.amount_cents
    for item in items.values():
        if item.charged_cents < 0:
            # Credits aimed at an item beyond what it charged become credit like any other.
            pool -= item.charged_cents
    for item in sorted(items.values(), key=lambda item: (item.due_on, item.opened_seq)):
        if pool <= 0:
            break
        applied = min(pool, item.open_cents)
        item.applied_cents += applied
        pool -= applied
    return Account(
        items=tuple(sorted(items.values(), key=lambda item: item.opened_seq)),
        balance_cents=sum(entry.amount_cents for entry in counted),
        unapplied_credit_cents=max(pool, 0),
        entries=tuple(counted),
    )
