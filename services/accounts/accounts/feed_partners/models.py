"""Tables of feed partners and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from accounts.models import Base
from cars_shared.db_types import UtcDateTime

ACTIVE = "active"
REVOKED = "revoked"


class FeedPartner(Base):
    """An organisation subscribed to public events; its broker user `partner-<slug>` holds the AMQP password."""

    __tablename__ = "feed_partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Unique for ever: a revoked partner's queue names are never handed to another.
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    contact_email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    amqp_password_rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)


class FeedPartnerCredential(Base):
    """An HTTP API key: a public key id and the hash of its secret, plus the previous secret during a rotation."""

    __tablename__ = "feed_partner_credentials"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    feed_partner_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("feed_partners.id", ondelete="CASCADE"), index=True
    )
    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    secret_salt: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(64))
    previous_secret_salt: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    previous_secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    previous_secret_valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
