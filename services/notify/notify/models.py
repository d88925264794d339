"""Tables of the notify database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from notify.domain.delivery import QUEUED, STATUSES


class Base(DeclarativeBase):
    pass


class Contact(Base):
    """Where to reach a person, as accounts last told us."""

    __tablename__ = "contacts"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(150))
    email: Mapped[str] = mapped_column(String(320))


class Membership(Base):
    """A person allowed to act for a filing entity, and so told of its notices."""

    __tablename__ = "memberships"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))


class DashboardNotice(Base):
    """A notice shown on a person's dashboard until read."""

    __tablename__ = "dashboard_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "correspondence_id", name="uq_dashboard_notice_user_correspondence"),
        Index("ix_dashboard_notices_user_created", "user_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    correspondence_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Email(Base):
    """One e-mail to one person, kept from queueing until the mail server accepts it or we give up."""

    __tablename__ = "emails"
    __table_args__ = (
        UniqueConstraint("notice_key", "user_id", name="uq_email_notice_user"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="ck_email_status"),
        Index("ix_emails_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    notice_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
