"""The ledger API: append entries, each with its event in the caller's transaction, and read accounts.

Entries are only ever added. A charge opens a receivable item (its entry id is the item id); later entries
of that charge (accruals, waivers, reversals, adjustments) carry the same item id. A credit with no item
(a payment, a credit adjustment) is applied to the open items oldest first when the account is read
(`fees.domain.ledger.account_of`), and what is left is held as credit. So a payment is one call:

    with database.session() as session:
        lock_account(session, entity_id)           # one writer per account at a time
        append(session, new_entry(entity_id, EntryKind.PAYMENT, -amount_cents, actor, effective_on=received_on,
                                  description=..., entry_key=f"payment:{provider}:{reference}"),
               "payment_received", {...})        # its own contract, added with the payments
    # a refund is reverse(session, payment_entry, actor, reason, effective_on)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from fees import SERVICE
from fees.domain.ledger import Account, Entry, EntryKind, account_of
from fees.models import LedgerEntry


@dataclass(frozen=True)
class Actor:
    """Who made an entry: a job of the system (`system:<job>`) or a staff member (`staff:<user id>`)."""

    kind: str
    id: str

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls("system", job)

    @classmethod
    def staff(cls, user_id: str) -> Actor:
        return cls("staff", user_id)

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


class EntryNotReversible(Exception):
    """The entry cannot be reversed (it is a reversal, or was reversed already)."""


def entry_values(
    entity_id: str,
    kind: EntryKind,
    amount_cents: int,
    actor: Actor,
    *,
    effective_on: date,
    description: str,
    item_id: str | None = None,
    opens_item: bool = False,
    recorded_at: datetime | None = None,
    **cause: Any,
) -> dict[str, Any]:
    """The columns of a new entry; `opens_item` makes it a charge of its own (its id is the item id).

    `cause` holds the columns naming why: rule and period, due_on, fee_year, form and period dates,
    filing_id, reason, reverses_id, entry_key, cause_event_id.
    """
    if amount_cents == 0:
        raise ValueError("a ledger entry moves money: zero cents is not an entry")
    entry_id = str(uuid.uuid4())
    return {
        "id": entry_id,
        "entity_id": entity_id,
        "kind": str(kind),
        "amount_cents": amount_cents,
        "item_id": entry_id if opens_item else item_id,
        "effective_on": effective_on,
        "recorded_at": recorded_at or datetime.now(UTC),
        "description": description[:300],
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        **cause,
    }


def new_entry(entity_id: str, kind: EntryKind, amount_cents: int, actor: Actor, **options: Any) -> LedgerEntry:
    """A new entry, not yet added (see `entry_values`)."""
    return LedgerEntry(**entry_values(entity_id, kind, amount_cents, actor, **options))


def entry_fields(entry: LedgerEntry) -> dict[str, Any]:
    """The fields every ledger entry's event carries (LedgerEntryRecorded)."""
    return {
        "entry_id": entry.id,
        "entity_id": entry.entity_id,
        "kind": entry.kind,
        "amount_cents": entry.amount_cents,
        "item_id": entry.item_id,
        "effective_on": entry.effective_on,
        "description": entry.description,
        "actor": f"{entry.actor_kind}:{entry.actor_id}",
    }


def append(session: Session, entry: LedgerEntry, event_type: str, event_fields: dict[str, Any]) -> LedgerEntry:
    """Add the entry and queue its event (the entry's fields plus `event_fields`) in the caller's transaction.

    A unique key it repeats (the same rule and period, entry_key or reversed entry) fails the transaction,
    so a concurrent duplicate is retried and then finds the first one.
    """
    session.add(entry)
    session.flush()
    outbox.add(session, make_event(SERVICE, event_type, {**entry_fields(entry), **event_fields}))
    return entry


ACCOUNT_LOCK_SPACE = 0x0FEE
"""First key of the advisory locks that hold one entity's account (the second is a hash of its id)."""


def lock_account(session: Session, entity_id: str) -> None:
    """Hold the entity's account until the transaction ends, so one writer at a time changes it.

    On PostgreSQL a transaction-scoped advisory lock keyed by the entity (whether or not fees has its
    registration); SQLite lets one writer at a time anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:entity_id))"),
            {"space": ACCOUNT_LOCK_SPACE, "entity_id": entity_id},
        )


def entries_of(session: Session, entity_id: str) -> list[LedgerEntry]:
    """The entity's entries in the order they were made."""
    return list(
        session.scalars(select(LedgerEntry).where(LedgerEntry.entity_id == entity_id).order_by(LedgerEntry.seq))
    )


def as_entry(row: Any) -> Entry:
    """A ledger row (or a selected row with the same columns) as the domain's entry."""
    return Entry(
        seq=row.seq,
        entry_id=row.id,
        kind=row.kind,
        amount_cents=row.amount_cents,
        item_id=row.item_id,
        effective_on=row.effective_on,
        due_on=row.due_on,
        description=row.description,
    )


def account_from(rows: Iterable[Any], as_of: date | None = None) -> Account:
    """The account that ledger rows (in the order they were made) add up to, as of a day."""
    return account_of((as_entry(row) for row in rows), as_of)


def account(session: Session, entity_id: str, as_of: date | None = None) -> Account:
    """The entity's account: items, what paid them (oldest first), balance and credit, as of a day."""
    return account_from(entries_of(session, entity_id), as_of)


def opening_entry(session: Session, entity_id: str, rule: str, period: str) -> LedgerEntry | None:
    """The entry that opened a rule's charge for a period, if the entity was charged it."""
    return session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.entity_id == entity_id, LedgerEntry.rule == rule, LedgerEntry.period == period
        )
    )


def is_reversed(session: Session, entry_id: str) -> bool:
    """Whether a reversal of the entry was made."""
    return session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry_id)) is not None


def reverse(session: Session, entry: LedgerEntry, actor: Actor, reason: str, effective_on: date) -> LedgerEntry:
    """Cancel an entry by appending its opposite (same item), published as ledger_entry_reversed."""
    if entry.kind == EntryKind.REVERSAL:
        raise EntryNotReversible("A reversal cannot itself be reversed; record an adjustment instead.")
    if is_reversed(session, entry.id):
        raise EntryNotReversible(f"Entry {entry.id} was already reversed.")
    reversal = new_entry(
        entry.entity_id,
        EntryKind.REVERSAL,
        -entry.amount_cents,
        actor,
        effective_on=effective_on,
        description=f"Reversal of {entry.description[:280]}",
        item_id=entry.item_id,
        reverses_id=entry.id,
        reason=reason,
    )
    return append(session, reversal, "ledger_entry_reversed", {"reverses_entry_id": entry.id, "reason": reason})
