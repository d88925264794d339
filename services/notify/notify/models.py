"""Tables of the notify database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from notify.domain.alerts import PENDING, SUBSCRIPTION_STATUSES
from notify.domain.delivery import QUEUED, STATUSES
from notify.domain.preferences import CORRESPONDENCE, DELIVERIES, IMMEDIATE


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


class Preference(Base):
    """Which kinds of notice a person gets by e-mail, and whether at once or in a daily digest."""

    __tablename__ = "preferences"
    __table_args__ = (
        CheckConstraint(f"delivery IN ({', '.join(repr(d) for d in DELIVERIES)})", name="ck_preference_delivery"),
    )

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email_kinds: Mapped[list[str]] = mapped_column(JSON)
    delivery: Mapped[str] = mapped_column(String(20), default=IMMEDIATE)
    last_digest_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class DashboardNotice(Base):
    """A notice shown on a person's dashboard until read; `cause_key` names what it tells of, once per person."""

    __tablename__ = "dashboard_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "cause_key", name="uq_dashboard_notice_user_cause"),
        Index("ix_dashboard_notices_user_created", "user_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30), default=CORRESPONDENCE, server_default=CORRESPONDENCE)
    cause_key: Mapped[str] = mapped_column(String(100))
    correspondence_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Email(Base):
    """One e-mail to one person or alert subscriber, kept from queueing until the server accepts it or we give up.

    The two unique constraints make it at most one e-mail per notice and recipient, whichever kind of recipient.
    """

    __tablename__ = "emails"
    __table_args__ = (
        UniqueConstraint("notice_key", "user_id", name="uq_email_notice_user"),
        UniqueConstraint("notice_key", "subscription_id", name="uq_email_notice_subscription"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="ck_email_status"),
        Index("ix_emails_due", "status", "next_attempt_at"),
        Index("ix_emails_status_created", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    subscription_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500), nullable=True)
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


class DigestEntry(Base):
    """A notice waiting for its person's next daily digest; `email_id` once a digest carried it."""

    __tablename__ = "digest_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "cause_key", name="uq_digest_entry_user_cause"),
        Index("ix_digest_entries_pending", "email_id", "user_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    cause_key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    email_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class AlertSubscription(Base):
    """Someone from the public who asked, by e-mail (double opt-in), to hear of an entity's new filings or of a
    shared saved search's new results: exactly one of `entity_id` and `saved_search_id` names what is followed."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (
        UniqueConstraint("email", "entity_id", name="uq_alert_subscription_email_entity"),
        UniqueConstraint("email", "saved_search_id", name="uq_alert_subscription_email_saved_search"),
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in SUBSCRIPTION_STATUSES)})", name="ck_alert_subscription_status"
        ),
        CheckConstraint("(entity_id IS NULL) <> (saved_search_id IS NULL)", name="ck_alert_subscription_one_target"),
        Index("ix_alert_subscriptions_entity_status", "entity_id", "status"),
        Index("ix_alert_subscriptions_saved_search_status", "saved_search_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    entity_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    saved_search_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class SharedSearch(Base):
    """A saved search shared by link, as search last told us: who holds the link may subscribe to its alerts.

    `share_key` is the hex SHA-256 of the link's token (the token itself stays in search); None once revoked.
    `changed_at` is the time of the newest fact applied, so an older event arriving late changes nothing.
    """

    __tablename__ = "shared_searches"
    __table_args__ = (UniqueConstraint("share_key", name="uq_shared_search_share_key"),)

    saved_search_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    share_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ThrottleHit(Base):
    """One public request counted against a throttle key (a client address or an e-mail address, hashed)."""

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_key_at", "throttle_key", "hit_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    throttle_key: Mapped[str] = mapped_column(String(80))
    hit_at: Mapped[datetime] = mapped_column(UtcDateTime)
