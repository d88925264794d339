"""Tables of the correspondence database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime


class Base(DeclarativeBase):
    pass


class Correspondence(Base):
    """One issued document: who it is addressed to, how it was rendered, where its PDF is kept."""

    __tablename__ = "correspondence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
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


class CorrespondenceRead(Base):
    """When a user first marked a piece of correspondence read; each linked user keeps their own mark."""

    __tablename__ = "correspondence_reads"

    correspondence_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("correspondence.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EntityName(Base):
    """An entity's name as the latest event that carried it said, for letters whose cause names only the ID."""

    __tablename__ = "entity_names"

    entity_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StaffActionLogEntry(Base):
    """One staff action on correspondence (an ad hoc letter issued): who, when, from where. Append-only."""

    __tablename__ = "staff_action_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    correspondence_id: Mapped[str] = mapped_column(String(36), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(20), index=True)
    note: Mapped[str | None] = mapped_column(Text)


class PendingNotice(Base):
    """A notice numbered and dated by its cause's handler, waiting for a render process to draw and issue it.

    Rendering moves it into `correspondence`, with its PDF stored and its correspondence_issued event queued in
    the same transaction; until then no reader sees it. A render process holds it until `claimed_until`.
    """

    __tablename__ = "pending_notices"

    correspondence_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[str | None] = mapped_column(String(64))
    cause: Mapped[str] = mapped_column(String(200), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    correlation_id: Mapped[str | None] = mapped_column(String(200))
    claimed_by: Mapped[str | None] = mapped_column(String(36), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
