"""Tables of the filings database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from filings.domain.forms import form_named


class Base(DeclarativeBase):
    pass


class IdCounter(Base):
    """The next value of a sequence of text IDs, allocated under a row lock in the caller's transaction."""

    __tablename__ = "id_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger)


class Entity(Base):
    """A filing entity: a committee, candidate, lobbyist, lobbying firm or employer."""

    __tablename__ = "entities"

    entity_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    entity_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    registered_on: Mapped[date] = mapped_column(Date)
    street: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(254))
    treasurer_name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EntityAgent(Base):
    """A user who may act for an entity, with their role (officer, agent or viewer)."""

    __tablename__ = "entity_agents"

    # No foreign key to entities: approvals from accounts may name entities imported here later.
    entity_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))


class Filing(Base):
    """One version of a filing; an amendment resubmits the whole filing under the same ID, one number higher."""

    __tablename__ = "filings"

    filing_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    amendment: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"), index=True)
    form: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    filed_by: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))

    @property
    def form_name(self) -> str:
        return form_named(self.form).name
