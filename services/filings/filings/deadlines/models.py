"""Tables of the late-filing check: each late or missing filing found, and each run of the check."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from filings.models import Base


class LateFiling(Base):
    """A filing an entity owed that was not on file by its due date: one row per entity, form and period.

    The row is what makes `filing_late` exactly-once: inserting it publishes the first event, and setting
    `filing_id` on a row found missing publishes the second.
    """

    __tablename__ = "late_filings"

    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"), primary_key=True)
    form: Mapped[str] = mapped_column(String(10), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date] = mapped_column(Date, primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    found_on: Mapped[date] = mapped_column(Date)
    """The day of the run that first found it late."""
    found_missing: Mapped[bool] = mapped_column(Boolean)
    """Whether it was still missing when first found (then a second event follows its arrival)."""
    filing_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    """The late filing, once it arrived."""
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    days_late: Mapped[int] = mapped_column(Integer)
    """Days late when found missing; the final count once the filing arrived."""


class DeadlineRun(Base):
    """One run of the late-filing check for a day: who asked for it and what it found."""

    __tablename__ = "deadline_runs"
    __table_args__ = (Index("ix_deadline_runs_as_of", "as_of"),)

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(80))
    """The staff member's principal id, or "daily timer"."""
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    entities_checked: Mapped[int] = mapped_column(Integer, default=0)
    found_missing: Mapped[int] = mapped_column(Integer, default=0)
    found_filed_late: Mapped[int] = mapped_column(Integer, default=0)
    arrived: Mapped[int] = mapped_column(Integer, default=0)
    """Filings found missing earlier that arrived since."""
