"""Password hashes: argon2id with the library's recommended parameters (RFC 9106)."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts.domain.password_policy import normalise_password

HASHER = PasswordHasher()


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    return hasher.hash(normalise_password(password))


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher = HASHER) -> bool:
    """True when `password` matches; a damaged hash counts as a mismatch."""
    try:
        return hasher.verify(stored_hash, normalise_password(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, hasher: PasswordHasher = HASHER) -> bool:
    """True when the hash was made with other parameters than today's."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash no password matches, checked for unknown usernames so they cost as long as known ones."""
    return hash_password(secrets.token_urlsafe(32))
