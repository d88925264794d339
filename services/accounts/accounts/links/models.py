"""Tables of entity links besides `entity_links`: known entities, access codes, failed code attempts, partner grants."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from accounts.models import Base
from cars_shared.db_types import UtcDateTime


class KnownEntity(Base):
    """An entity accounts has heard of, with its origin (`new` or `legacy`) and, if known, its address of record."""

    __tablename__ = "known_entities"

    entity_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EntityAccessCode(Base):
    """A single-use code mailed to a migrated entity's address of record; only its hash is kept."""

    __tablename__ = "entity_access_codes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(40), index=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[str] = mapped_column(String(36))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_on: Mapped[date] = mapped_column(Date)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by: Mapped[str | None] = mapped_column(String(36))
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AccessCodeFailure(Base):
    """A failed access-code attempt, counted against the claimant, the entity and the client address."""

    __tablename__ = "access_code_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    throttle_key: Mapped[str] = mapped_column(String(80), index=True)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PartnerGrant(Base):
    """Read access a partner (auditor) has to one entity from `starts_on` to `ends_on`, both included."""

    __tablename__ = "partner_grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(40), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    granted_by: Mapped[str] = mapped_column(String(36))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(36))
