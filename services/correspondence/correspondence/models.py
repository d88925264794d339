"""Tables of the correspondence database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime


class Base(DeclarativeBase):
    pass


class Correspondence(Base):
    """One issued document: who it is addressed to, how it was rendered, where its PDF is kept."""

    __tablename__ = "correspondence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    entity_id: Mapped[str | None] = mapped_column(String(20), index=True)
    user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    template_version: Mapped[str] = mapped_column(String(60))
    blob_key: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    cause: Mapped[str] = mapped_column(String(200), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class CorrespondenceCounter(Base):
    """The last sequence number used for correspondence numbers of a year."""

    __tablename__ = "correspondence_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_sequence: Mapped[int] = mapped_column(Integer)


class EntityAccess(Base):
    """A user's approved link to an entity (projected from accounts.entity_link_approved)."""

    __tablename__ = "entity_access"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
