"""Tables of vendor organisations, their managers, API credentials, entity authorisations and failed secret checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from accounts.models import Base
from cars_shared.db_types import UtcDateTime

ACTIVE = "active"
REVOKED = "revoked"


class Vendor(Base):
    """An organisation whose software files through the API; production use needs staff certification."""

    __tablename__ = "vendors"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    certified: Mapped[bool] = mapped_column(Boolean, default=False)
    certified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # When filings reported its sandbox submissions passed every certification scenario; certifying needs it.
    scenarios_passed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VendorManager(Base):
    """A user who administers a vendor organisation (its creator first)."""

    __tablename__ = "vendor_managers"
    __table_args__ = (UniqueConstraint("vendor_id", "user_id", name="uq_vendor_manager"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(String(36), ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VendorCredential(Base):
    """An API key: a public key id and the hash of its secret, plus the previous secret during a rotation."""

    __tablename__ = "vendor_credentials"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(String(36), ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    secret_salt: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(64))
    previous_secret_salt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    previous_secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    previous_secret_valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class VendorAuthorisation(Base):
    """An entity's permission for a vendor to file for it, given by one of its officers."""

    __tablename__ = "vendor_authorisations"
    __table_args__ = (UniqueConstraint("vendor_id", "entity_id", name="uq_vendor_authorisation"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(String(36), ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    authorised_by: Mapped[str] = mapped_column(String(64))
    authorised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class VendorKeyFailures(Base):
    """Failed secret checks of one key id in the current window, and the lockout they caused."""

    __tablename__ = "vendor_key_failures"

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
