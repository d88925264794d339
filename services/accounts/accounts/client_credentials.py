"""API keys of client software (vendors, feed partners): a public key id and the hash of a secret, with the
previous secret kept for a short overlap after a rotation; issued, rotated, revoked and checked the same way
whoever holds them. The secret rules themselves are in accounts.domain.vendor_credentials."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.domain import vendor_credentials as secret_rules
from accounts.signing_key import AccessToken
from cars_shared.config import ACCESS_TOKEN_TTL_SECONDS

ACTIVE = "active"
REVOKED = "revoked"


class TokenSigner(Protocol):
    """The accounts key that signs access tokens (a SigningKey or the key ring's current one)."""

    def issue(
        self, *, user_id: str, username: str, roles: list[str], extra_claims: dict[str, Any] | None = None
    ) -> AccessToken: ...


class ApiKey(Protocol):
    """The columns every API key table has (VendorCredential, FeedPartnerCredential)."""

    key_id: str
    secret_salt: str
    secret_hash: str
    previous_secret_salt: str | None
    previous_secret_hash: str | None
    previous_secret_valid_until: datetime | None
    status: str
    created_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None


Key = TypeVar("Key", bound=ApiKey)


@dataclass(frozen=True)
class IssuedCredential(Generic[Key]):
    """An API key and its secret in clear, which exists only in this answer."""

    credential: Key
    secret: str


def new_credential(
    session: Session, model: type[Key], *, key_id: str, secret: str, now: datetime, **owner: str
) -> IssuedCredential[Key]:
    """Store a new active key of `model` for its owner (`owner` names the owner column and id)."""
    stored = secret_rules.hashed(secret)
    credential = model(
        id=str(uuid.uuid4()),
        key_id=key_id,
        secret_salt=stored.salt,
        secret_hash=stored.hash,
        status=ACTIVE,
        created_at=now,
        **owner,
    )
    session.add(credential)
    session.flush()
    return IssuedCredential(credential, secret)


def active_count(session: Session, owner_column: Any, owner_id: str) -> int:
    """How many active keys the owner holds (`owner_column` is the key table's owner column)."""
    table = owner_column.class_
    return session.scalar(
        select(func.count()).select_from(table).where(owner_column == owner_id, table.status == ACTIVE)
    )


def rotate_secret(credential: Key, secret: str, now: datetime, *, immediately: bool) -> IssuedCredential[Key]:
    """Give the key a new secret; the old one works for the rotation overlap, or stops at once."""
    stored = secret_rules.hashed(secret)
    credential.previous_secret_salt = credential.secret_salt
    credential.previous_secret_hash = credential.secret_hash
    credential.previous_secret_valid_until = secret_rules.previous_secret_valid_until(now, immediately=immediately)
    credential.secret_salt, credential.secret_hash = stored.salt, stored.hash
    credential.rotated_at = now
    return IssuedCredential(credential, secret)


def revoke(credential: ApiKey, now: datetime) -> None:
    """Stop the key and every secret of it at once."""
    credential.status = REVOKED
    credential.revoked_at = now


def accepts_secret(credential: ApiKey, secret: str, now: datetime) -> bool:
    """The current secret, or the previous one while its rotation overlap lasts."""
    current = secret_rules.StoredSecret(credential.secret_salt, credential.secret_hash)
    if current.accepts(secret, now):
        return True
    if credential.previous_secret_hash is None or credential.previous_secret_salt is None:
        return False
    previous = secret_rules.StoredSecret(
        credential.previous_secret_salt, credential.previous_secret_hash, credential.previous_secret_valid_until
    )
    return previous.accepts(secret, now)


def spend_one_hash(secret: str) -> None:
    """Cost one hash like a known key, so the answer time does not tell which key ids exist."""
    secret_rules.hashed(secret)


def token_ttl(max_seconds: int) -> int:
    """Seconds a client's access token lives: its own cap, or people's token lifetime when that is shorter."""
    return min(max_seconds, int(ACCESS_TOKEN_TTL_SECONDS.get()))


def new_credential_out(issued: IssuedCredential[Any]) -> dict[str, Any]:
    """A just issued or rotated key with its secret, as the routes answer it (once)."""
    credential = issued.credential
    return {
        "key_id": credential.key_id,
        "secret": issued.secret,
        "created_at": credential.created_at,
        "previous_secret_valid_until": credential.previous_secret_valid_until,
    }


def credential_out(credential: ApiKey) -> dict[str, Any]:
    """A key as listed (never its secret)."""
    return {
        "key_id": credential.key_id,
        "status": credential.status,
        "created_at": credential.created_at,
        "rotated_at": credential.rotated_at,
        "revoked_at": credential.revoked_at,
        "previous_secret_valid_until": credential.previous_secret_valid_until,
    }
