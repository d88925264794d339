"""Tables of the fees database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime


class Base(DeclarativeBase):
    pass


class FeeAssessment(Base):
    """One charge of the annual fee to one entity for one year."""

    __tablename__ = "fee_assessments"
    __table_args__ = (UniqueConstraint("entity_id", "fee_year", name="uq_fee_assessment_entity_year"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(20), index=True)
    entity_name: Mapped[str] = mapped_column(String(300))
    fee_year: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    late_penalty_cents: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cause_event_id: Mapped[str] = mapped_column(String(36))
