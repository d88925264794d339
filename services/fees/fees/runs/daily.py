"""The daily run: late payment penalties for fees that fell due unpaid, accrual of the fines of filings still
missing, and reminders of fees coming due.

Each part goes in batches, each its own transaction; every decision is recorded once (a penalty check per
fee, an accrual per amount reached, a reminder per fee and day), so a rerun of the same day, or the next
day's run after a missed one, does only what is still to do.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, select, text, update
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from fees import SERVICE, handlers, ledger
from fees.domain import late_filing, late_payment, reminders
from fees.domain.calendar import california_today
from fees.domain.ledger import EntryKind
from fees.ledger import Actor
from fees.models import DailyRun, Entity, LateFilingFine, LatePaymentCheck, LedgerEntry, PaymentReminder

log = get_logger(__name__)

DAILY_TIMER = "daily timer"
BATCH_SIZE = 500
DAILY_RUN_LOCK_KEY = 0x0FEE6
DAILY = Actor.system("daily run")


class CheckOutcome:
    PAID_ON_TIME = "paid_on_time"
    PENALIZED = "penalized"
    WITHDRAWN = "withdrawn"
    """The fee was reversed or adjusted away before the check: nothing is owed on it."""


def _serialised(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DAILY_RUN_LOCK_KEY})


def _ledgers_of(session: Session, entity_ids: set[str]) -> dict[str, list[LedgerEntry]]:
    rows: dict[str, list[LedgerEntry]] = defaultdict(list)
    for entry in session.scalars(
        select(LedgerEntry).where(LedgerEntry.entity_id.in_(sorted(entity_ids))).order_by(LedgerEntry.seq)
    ):
        rows[entry.entity_id].append(entry)
    return rows


def _names_of(session: Session, entity_ids: set[str]) -> dict[str, str]:
    return dict(
        session.execute(select(Entity.entity_id, Entity.name).where(Entity.entity_id.in_(sorted(entity_ids)))).all()
    )


# -- late payment penalties ---------------------------------------------------------------------------------


def charge_late_payment_penalty(session: Session, fee: LedgerEntry, entity_name: str, as_of: date) -> LedgerEntry:
    """Charge the penalty for a fee unpaid after its due date (once per fee: the ledger's unique key)."""
    assert fee.due_on is not None and fee.fee_year is not None
    entry = ledger.new_entry(
        fee.entity_id,
        EntryKind.LATE_PAYMENT_PENALTY,
        late_payment.penalty_for(fee.due_on),
        DAILY,
        effective_on=as_of,
        description=f"Late payment penalty: annual fee {fee.fee_year} unpaid after {fee.due_on.isoformat()}",
        opens_item=True,
        rule=handlers.LATE_PAYMENT,
        period=str(fee.fee_year),
        due_on=as_of,
        fee_year=fee.fee_year,
    )
    return ledger.append(
        session,
        entry,
        "penalty_assessed",
        {
            "entity_name": entity_name,
            "fee_year": fee.fee_year,
            "fee_assessment_id": fee.id,
            "fee_due_date": fee.due_on,
            "due_date": as_of,
        },
    )


def decide_late_payment(session: Session, fee: LedgerEntry, entries: list[LedgerEntry], name: str, as_of: date) -> str:
    """Whether a fee whose due date passed was paid on time (credits effective by then) or draws the penalty."""
    assert fee.due_on is not None
    now = ledger.account_from(entries).item(fee.id)
    if now is None or now.charged_cents <= 0:
        return CheckOutcome.WITHDRAWN
    at_due_date = ledger.account_from(entries, as_of=fee.due_on).item(fee.id)
    unpaid = at_due_date.open_cents if at_due_date is not None else 0
    if not late_payment.penalty_owed(fee.due_on, unpaid, as_of):
        return CheckOutcome.PAID_ON_TIME
    if ledger.opening_entry(session, fee.entity_id, handlers.LATE_PAYMENT, str(fee.fee_year)) is None:
        charge_late_payment_penalty(session, fee, name, as_of)
    return CheckOutcome.PENALIZED


def assess_late_payment_penalties(database: Database, as_of: date, batch_size: int = BATCH_SIZE) -> int:
    """Decide every annual fee whose due date passed and was not decided yet; returns the penalties charged."""
    checked = select(LatePaymentCheck.fee_item_id).where(LatePaymentCheck.fee_item_id == LedgerEntry.id)
    penalties, after = 0, 0
    while True:
        with database.session() as session:
            _serialised(session)
            fees = session.scalars(
                select(LedgerEntry)
                .where(
                    LedgerEntry.rule == handlers.ANNUAL_FEE,
                    LedgerEntry.due_on < as_of,
                    LedgerEntry.seq > after,
                    ~exists(checked),
                )
                .order_by(LedgerEntry.seq)
                .limit(batch_size)
            ).all()
            if not fees:
                return penalties
            entity_ids = {fee.entity_id for fee in fees}
            ledgers, names = _ledgers_of(session, entity_ids), _names_of(session, entity_ids)
            for fee in fees:
                outcome = decide_late_payment(
                    session, fee, ledgers[fee.entity_id], names.get(fee.entity_id, fee.entity_id), as_of
                )
                penalties += outcome == CheckOutcome.PENALIZED
                session.add(
                    LatePaymentCheck(fee_item_id=fee.id, entity_id=fee.entity_id, checked_on=as_of, outcome=outcome)
                )
            after = fees[-1].seq


# -- late filing fines --------------------------------------------------------------------------------------


def accrue_late_filing_fines(database: Database, as_of: date, batch_size: int = BATCH_SIZE) -> int:
    """Accrue each fine whose filing is still missing to its days late as of `as_of`; returns entries made."""
    entries, after = 0, ""
    while True:
        with database.session() as session:
            _serialised(session)
            fines = session.scalars(
                select(LateFilingFine)
                .where(LateFilingFine.status == handlers.FineStatus.ACCRUING, LateFilingFine.item_id > after)
                .order_by(LateFilingFine.item_id)
                .limit(batch_size)
                .with_for_update()
            ).all()
            if not fines:
                return entries
            for fine in fines:
                fine.days_late = max(fine.days_late, late_filing.days_late_on(fine.due_on, as_of))
                entries += handlers.accrue_fine(session, fine, DAILY, as_of) is not None
            after = fines[-1].item_id


# -- reminders ----------------------------------------------------------------------------------------------


def _remind(session: Session, fee: LedgerEntry, entity_name: str, open_cents: int, days_before: int) -> None:
    assert fee.due_on is not None
    payload: dict[str, Any] = {
        "item_id": fee.id,
        "entity_id": fee.entity_id,
        "entity_name": entity_name,
        "kind": fee.kind,
        "description": fee.description,
        "open_cents": open_cents,
        "due_date": fee.due_on,
        "days_before": days_before,
    }
    outbox.add(session, make_event(SERVICE, "payment_reminder_due", payload))


def send_payment_reminders(database: Database, as_of: date, batch_size: int = BATCH_SIZE) -> int:
    """Publish payment_reminder_due for each annual fee coming due and still unpaid, once per reminder day."""
    rule = reminders.rule_on(as_of)
    horizon = as_of + timedelta(days=max(rule.days_before, default=0))
    sent, after = 0, 0
    while True:
        with database.session() as session:
            _serialised(session)
            fees = session.scalars(
                select(LedgerEntry)
                .where(
                    LedgerEntry.rule == handlers.ANNUAL_FEE,
                    LedgerEntry.due_on > as_of,
                    LedgerEntry.due_on <= horizon,
                    LedgerEntry.seq > after,
                )
                .order_by(LedgerEntry.seq)
                .limit(batch_size)
            ).all()
            if not fees:
                return sent
            already = set(
                session.execute(
                    select(PaymentReminder.item_id, PaymentReminder.days_before).where(
                        PaymentReminder.item_id.in_([fee.id for fee in fees])
                    )
                ).all()
            )
            entity_ids = {fee.entity_id for fee in fees}
            ledgers, names = _ledgers_of(session, entity_ids), _names_of(session, entity_ids)
            for fee in fees:
                assert fee.due_on is not None
                due = [
                    days
                    for days in reminders.reminders_due(fee.effective_on, fee.due_on, as_of, rule)
                    if (fee.id, days) not in already
                ]
                item = ledger.account_from(ledgers[fee.entity_id]).item(fee.id)
                if not due or item is None or item.open_cents <= 0:
                    continue
                # Reminders missed on earlier days are recorded as sent with today's: one message, the nearest.
                _remind(session, fee, names.get(fee.entity_id, fee.entity_id), item.open_cents, min(due))
                session.add_all(PaymentReminder(item_id=fee.id, days_before=days, sent_on=as_of) for days in due)
                sent += 1
            after = fees[-1].seq


# -- the run ------------------------------------------------------------------------------------------------


def run_daily(database: Database, as_of: date, requested_by: str, *, batch_size: int = BATCH_SIZE) -> DailyRun:
    """Penalties, fine accruals and reminders as of the end of `as_of`."""
    run_id = str(uuid.uuid4())
    with database.session() as session:
        session.add(
            DailyRun(
                run_id=run_id,
                as_of=as_of,
                requested_by=requested_by,
                started_at=datetime.now(UTC),
                penalties=0,
                fine_entries=0,
                reminders=0,
            )
        )
    penalties = assess_late_payment_penalties(database, as_of, batch_size)
    fine_entries = accrue_late_filing_fines(database, as_of, batch_size)
    reminded = send_payment_reminders(database, as_of, batch_size)
    with database.session() as session:
        session.execute(
            update(DailyRun)
            .where(DailyRun.run_id == run_id)
            .values(penalties=penalties, fine_entries=fine_entries, reminders=reminded, finished_at=datetime.now(UTC))
        )
        run = session.get(DailyRun, run_id, populate_existing=True)
    log.info(
        "daily_run_finished",
        as_of=as_of.isoformat(),
        requested_by=requested_by,
        penalties=penalties,
        fine_entries=fine_entries,
        reminders=reminded,
    )
    return run


def run_if_due(database: Database, now: datetime | None = None) -> DailyRun | None:
    """The timer's run for today, unless one already finished today (the timer fires hourly)."""
    today = california_today(now)
    with database.session() as session:
        done = session.scalar(
            select(DailyRun.run_id).where(DailyRun.as_of == today, DailyRun.finished_at.is_not(None)).limit(1)
        )
    if done is not None:
        return None
    return run_daily(database, today, DAILY_TIMER)
