"""Staff work on accounts: waive a late filing fine, adjust, reverse an entry, record a written notice.

Each is one transaction with its ledger entry, its event and its line in the staff action log; a refused
attempt is logged too (in a transaction of its own, as the action's rolled back).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fees import ledger
from fees.domain import late_filing
from fees.domain.ledger import EntryKind
from fees.handlers import FineStatus, fine_description
from fees.ledger import Actor, EntryNotReversible
from fees.models import Entity, LateFilingFine, LedgerEntry, StaffAction

MAX_ADJUSTMENT_CENTS = 10_000_000
"""An adjustment above $100,000 is a typing error, not a correction of fees of this size."""


@dataclass(frozen=True)
class Clerk:
    """A staff member working on accounts, and the client address the request came from."""

    user_id: str
    client: str | None

    @property
    def actor(self) -> Actor:
        return Actor.staff(self.user_id)


class NotOnFile(Exception):
    """An account, charge or entry that does not exist (for this entity); `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ActionRefused(Exception):
    """A staff action the account's state does not allow; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def log_action(
    session: Session,
    clerk: Clerk,
    action: str,
    *,
    entity_id: str | None,
    target_id: str | None,
    detail: dict[str, Any],
    outcome: str,
    outcome_detail: str | None = None,
) -> StaffAction:
    """Append a line to the staff action log: who did what to which account, when, from where, how it went."""
    line = StaffAction(
        action_id=str(uuid.uuid4()),
        occurred_at=datetime.now(UTC),
        actor_id=clerk.user_id,
        client=clerk.client,
        action=action,
        entity_id=entity_id,
        target_id=target_id,
        detail=detail,
        outcome=outcome,
        outcome_detail=outcome_detail,
    )
    session.add(line)
    return line


def staff_actions(session: Session, entity_id: str | None, limit: int) -> list[StaffAction]:
    """The latest staff actions, newest first (of one entity's account, if given)."""
    query = select(StaffAction).order_by(StaffAction.seq.desc()).limit(limit)
    if entity_id is not None:
        query = query.where(StaffAction.entity_id == entity_id)
    return list(session.scalars(query))


def _account_on_file(session: Session, entity_id: str) -> None:
    """Hold the entity's account for this transaction; NotOnFile when fees knows nothing of the entity."""
    ledger.lock_account(session, entity_id)
    known = session.get(Entity, entity_id) is not None
    if not known and session.scalar(select(LedgerEntry.id).where(LedgerEntry.entity_id == entity_id).limit(1)) is None:
        raise NotOnFile(f"No account of entity {entity_id} is on file.")


def _item_of(session: Session, entity_id: str, item_id: str) -> LedgerEntry:
    opening = session.scalar(select(LedgerEntry).where(LedgerEntry.id == item_id, LedgerEntry.item_id == item_id))
    if opening is None or opening.entity_id != entity_id:
        raise NotOnFile(f"Entity {entity_id} has no charge {item_id}.", field="item_id")
    return opening


def _fine_of(session: Session, entity_id: str, item_id: str) -> LateFilingFine:
    fine = session.get(LateFilingFine, item_id, with_for_update=True)
    if fine is None or fine.entity_id != entity_id:
        raise NotOnFile(f"Entity {entity_id} has no late filing fine {item_id}.", field="item_id")
    return fine


def waive_fine(
    session: Session, clerk: Clerk, entity_id: str, item_id: str, *, reason: str, wilful: bool, today: date
) -> LedgerEntry:
    """Waive a late filing fine in full (credit what it charged), where the rules allow it."""
    _account_on_file(session, entity_id)
    fine = _fine_of(session, entity_id, item_id)
    late_filing.check_waiver(
        late_filing.rule_on(fine.due_on),
        wilful=wilful,
        reason=reason,
        already_waived=fine.status == FineStatus.WAIVED,
        notice_sent_on=fine.notice_sent_on,
        filed_on=fine.filed_on,
        today=today,
    )
    item = ledger.account(session, entity_id).item(item_id)
    charged = item.charged_cents if item is not None else 0
    if charged <= 0:
        raise ActionRefused("Nothing of this fine is left to waive (it was reversed or adjusted away).")
    fine.status = FineStatus.WAIVED
    fine.updated_at = datetime.now(UTC)
    waiver = ledger.new_entry(
        entity_id,
        EntryKind.WAIVER,
        -charged,
        clerk.actor,
        effective_on=today,
        description=f"Waiver: {fine_description(fine)}",
        item_id=item_id,
        form=fine.form,
        period_start=fine.period_start,
        period_end=fine.period_end,
        filing_id=fine.filing_id,
        reason=reason.strip(),
    )
    return ledger.append(session, waiver, "fine_waived", {"reason": reason.strip()})


def adjust(
    session: Session,
    clerk: Clerk,
    entity_id: str,
    *,
    amount_cents: int,
    reason: str,
    item_id: str | None,
    today: date,
) -> LedgerEntry:
    """Adjust an account: against one charge, or as a charge of its own (positive) or a pooled credit (negative)."""
    if amount_cents == 0 or abs(amount_cents) > MAX_ADJUSTMENT_CENTS:
        raise ActionRefused(
            f"An adjustment moves between 1 cent and {MAX_ADJUSTMENT_CENTS} cents, either way.", field="amount_cents"
        )
    if not reason.strip():
        raise ActionRefused("Give the reason for the adjustment.", field="reason")
    _account_on_file(session, entity_id)
    opening = None
    if item_id is not None:
        opening = _item_of(session, entity_id, item_id)
        item = ledger.account(session, entity_id).item(item_id)
        charged = item.charged_cents if item is not None else 0
        if amount_cents < 0 and -amount_cents > charged:
            raise ActionRefused(
                f"The charge has {charged} cents left to credit; credit the account (no item_id) for more.",
                field="amount_cents",
            )
    adjustment = ledger.new_entry(
        entity_id,
        EntryKind.ADJUSTMENT,
        amount_cents,
        clerk.actor,
        effective_on=today,
        description=f"Adjustment of {opening.description}" if opening is not None else "Adjustment",
        item_id=item_id,
        opens_item=item_id is None and amount_cents > 0,
        due_on=today if item_id is None and amount_cents > 0 else None,
        reason=reason.strip(),
    )
    return ledger.append(session, adjustment, "ledger_adjusted", {"reason": reason.strip()})


def reverse_entry(
    session: Session, clerk: Clerk, entity_id: str, entry_id: str, *, reason: str, today: date
) -> LedgerEntry:
    """Reverse one entry (a correction); reversing a waiver puts the fine back where it stood."""
    if not reason.strip():
        raise ActionRefused("Give the reason for the reversal.", field="reason")
    _account_on_file(session, entity_id)
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.id == entry_id))
    if entry is None or entry.entity_id != entity_id:
        raise NotOnFile(f"Entity {entity_id} has no entry {entry_id}.", field="entry_id")
    try:
        reversal = ledger.reverse(session, entry, clerk.actor, reason.strip(), today)
    except EntryNotReversible as refused:
        raise ActionRefused(str(refused), field="entry_id") from refused
    if entry.kind == EntryKind.WAIVER and entry.item_id is not None:
        fine = session.get(LateFilingFine, entry.item_id, with_for_update=True)
        if fine is not None and fine.status == FineStatus.WAIVED:
            fine.status = FineStatus.ACCRUING if fine.filing_id is None else FineStatus.FINAL
            fine.updated_at = datetime.now(UTC)
    return reversal


def record_notice(session: Session, entity_id: str, item_id: str, sent_on: date, today: date) -> LateFilingFine:
    """Record the day a written notice of the filing requirement was sent for a late filing (once)."""
    if sent_on > today:
        raise ActionRefused("A notice cannot be recorded as sent in the future.", field="sent_on")
    _account_on_file(session, entity_id)
    fine = _fine_of(session, entity_id, item_id)
    if fine.notice_sent_on is not None and fine.notice_sent_on != sent_on:
        raise ActionRefused(
            f"A written notice was already recorded as sent on {fine.notice_sent_on.isoformat()}.", field="sent_on"
        )
    fine.notice_sent_on = sent_on
    fine.updated_at = datetime.now(UTC)
    return fine
