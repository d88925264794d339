"""Tables of the accounts database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from accounts.data_keys import DATA_KEYS
from cars_shared.db_types import UtcDateTime
from cars_shared.sealed_text import SealedText

DEFAULT_ROLES = ("filer",)
# Where each sealed value is stored: a value moved to another column no longer opens.
TOTP_COLUMN = "users.mfa_secret"
PENDING_TOTP_COLUMN = "users.mfa_pending_secret"
SIGNING_KEY_COLUMN = "signing_keys.private_pem"


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
    email_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
    # The TOTP secret must be readable to check codes, so it is encrypted (not hashed) with the data keys.
    mfa_secret: Mapped[str | None] = mapped_column(SealedText(TOTP_COLUMN, DATA_KEYS), nullable=True, default=None)
    mfa_pending_secret: Mapped[str | None] = mapped_column(
        SealedText(PENDING_TOTP_COLUMN, DATA_KEYS), nullable=True, default=None
    )
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
    mfa_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None


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


class OneTimeToken(Base):
    """A single-use token sent by e-mail (verification of `email`, or password reset); only its hash is kept."""

    __tablename__ = "one_time_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)


class RecoveryCode(Base):
    """One MFA recovery code, hashed; used at most once."""

    __tablename__ = "recovery_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)


class MfaChallenge(Base):
    """The second step a password sign-in waits for; only the challenge's hash is kept."""

    __tablename__ = "mfa_challenges"

    challenge_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)


class UserSession(Base):
    """A signed-in session: one family of refresh tokens, from sign-in until it expires or is revoked."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    amr: Mapped[list[str]] = mapped_column(JSON)
    client: Mapped[str | None] = mapped_column(String(100), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True, default=None)


class RefreshToken(Base):
    """One refresh token of a session, hashed; a used one presented again reveals theft."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36), ForeignKey("user_sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)


class SignInFailure(Base):
    """A failed sign-in, counted against an account key and a client key for throttling."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    throttle_key: Mapped[str] = mapped_column(String(80), index=True)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SigningKeyRecord(Base):
    """An access-token signing key; the newest unretired one signs, every unretired one verifies."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(SealedText(SIGNING_KEY_COLUMN, DATA_KEYS))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, default=None)
