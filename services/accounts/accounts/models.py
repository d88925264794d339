"""Tables of the accounts database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime

DEFAULT_ROLES = ("filer",)


class Base(DeclarativeBase):
    pass


class User(Base):
    """A person's account; `username_key` makes usernames unique regardless of case."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(40))
    username_key: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_ROLES))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


APPROVED = "approved"


class EntityLink(Base):
    """A user's right to act for a filing entity in a role (officer, agent or viewer)."""

    __tablename__ = "entity_links"
    __table_args__ = (UniqueConstraint("user_id", "entity_id", name="uq_entity_link_user_entity"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(40), index=True)
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="approved")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
