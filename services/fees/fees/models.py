"""Tables of the fees database: the ledger, the entities it charges, fine and run bookkeeping, the staff log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime

SEQUENCE = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    pass


class Entity(Base):
    """A filing entity as fees knows it from filings' events: who is liable, since and until when."""

    __tablename__ = "entities"

    entity_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    entity_type: Mapped[str] = mapped_column(String(60), index=True)
    registered_on: Mapped[date | None] = mapped_column(Date, index=True)
    """None until entity_registered arrives (an update or termination may come first)."""
    terminated_on: Mapped[date | None] = mapped_column(Date)
    registration_form: Mapped[str | None] = mapped_column(String(10))
    """The form that put the entity on file (a registration, or a first report); None when not stated."""
    name_amendment: Mapped[int | None] = mapped_column(Integer)
    """The registration amendment the name comes from (0: the original), so an older one never overwrites it."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerEntry(Base):
    """One entry of an entity's account, never changed or deleted (a trigger refuses it): a correction is a
    reversal entry. Positive cents are owed by the entity, negative cents credited to it.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # Idempotency per (entity, rule, period): the entry opening a rule's charge exists once.
        UniqueConstraint("entity_id", "rule", "period", name="uq_ledger_entries_assessment"),
        CheckConstraint("amount_cents <> 0", name="ck_ledger_entries_amount_not_zero"),
        Index("ix_ledger_entries_entity_seq", "entity_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    entity_id: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(24))
    amount_cents: Mapped[int] = mapped_column(SEQUENCE)
    item_id: Mapped[str | None] = mapped_column(String(36), index=True)
    """The receivable item (the entry opening a charge) this entry belongs to; None for pooled credits."""
    rule: Mapped[str | None] = mapped_column(String(24))
    """On an entry opening a rule's charge: the rule (annual_fee, late_payment, late_filing)."""
    period: Mapped[str | None] = mapped_column(String(80))
    """On an entry opening a rule's charge: the period it is for (a fee year, a form and filing period)."""
    due_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fee_year: Mapped[int | None] = mapped_column(Integer)
    form: Mapped[str | None] = mapped_column(String(10))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    filing_id: Mapped[str | None] = mapped_column(String(36))
    description: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(80))
    reverses_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    """The entry this one reverses; unique, so nothing is reversed twice."""
    entry_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """What makes a repeatable entry happen once (an accrual's target, a payment's reference)."""
    cause_event_id: Mapped[str | None] = mapped_column(String(36))


class LateFilingFine(Base):
    """Where a late filing fine stands: its lateness, what has accrued, whether it is final or waived.

    Bookkeeping beside the ledger (whose entries say what was charged); one row per fine, keyed by the
    ledger entry that opened it.
    """

    __tablename__ = "late_filing_fines"

    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(20), index=True)
    entity_name: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(10))
    form_name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    days_late: Mapped[int] = mapped_column(Integer)
    filing_id: Mapped[str | None] = mapped_column(String(36))
    filed_on: Mapped[date | None] = mapped_column(Date)
    reported_amount_cents: Mapped[int | None] = mapped_column(SEQUENCE)
    """The cumulative amount the late filing reports, once known (it caps the fine if above the minimum)."""
    accrued_cents: Mapped[int] = mapped_column(SEQUENCE)
    status: Mapped[str] = mapped_column(String(12), index=True)
    """accruing (still missing), final (the filing arrived) or waived."""
    notice_sent_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LatePaymentCheck(Base):
    """The decision, once a fee's due date passed, whether it was paid on time or drew the penalty."""

    __tablename__ = "late_payment_checks"

    fee_item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(20))
    checked_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12))
    """paid_on_time or penalized."""


class PaymentReminder(Base):
    """A reminder sent for an item so many days before its due date (each once)."""

    __tablename__ = "payment_reminders"

    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_on: Mapped[date] = mapped_column(Date)


class AssessmentRun(Base):
    """One run of the yearly assessment: for which year, who asked, how far it got."""

    __tablename__ = "assessment_runs"

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fee_year: Mapped[int] = mapped_column(Integer, index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    entities_to_assess: Mapped[int] = mapped_column(Integer)
    """Entities owing the year's fee and not yet charged it when the run started."""
    entities_assessed: Mapped[int] = mapped_column(Integer)
    batches: Mapped[int] = mapped_column(Integer)


class DailyRun(Base):
    """One run of the daily job for a day: penalties assessed, fine accruals, reminders sent."""

    __tablename__ = "daily_runs"

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    requested_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    penalties: Mapped[int] = mapped_column(Integer)
    fine_entries: Mapped[int] = mapped_column(Integer)
    reminders: Mapped[int] = mapped_column(Integer)


class StaffAction(Base):
    """One staff action on an account (or an attempt refused): who, what, when, from where, and the outcome.
    Append-only (a trigger refuses changes).
    """

    __tablename__ = "staff_actions"

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(String(36), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(20), index=True)
    target_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(12))
    """done or refused."""
    outcome_detail: Mapped[str | None] = mapped_column(Text)
