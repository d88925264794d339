"""Password hashes: argon2id with the parameters recorded in argon2_parameters.json (chosen by a benchmark)."""

from __future__ import annotations

import json
import secrets
from functools import cache
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts.domain.password_policy import normalise_password


def recorded_parameters() -> dict[str, Any]:
    """The argon2id parameters bench/accounts.py chose: time_cost, memory_cost (KiB), parallelism."""
    text = resources.files(__package__).joinpath("argon2_parameters.json").read_text(encoding="utf-8")
    return json.loads(text)["chosen"]


@cache
def default_hasher() -> PasswordHasher:
    return PasswordHasher(**recorded_parameters())


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    return (hasher or default_hasher()).hash(normalise_password(password))


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """True when `password` matches; a damaged hash counts as a mismatch."""
    try:
        return (hasher or default_hasher()).verify(stored_hash, normalise_password(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, hasher: PasswordHasher | None = None) -> bool:
    """True when the hash was made with other parameters than today's."""
    try:
        return (hasher or default_hasher()).check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash no password matches, checked for unknown usernames so they cost as long as known ones."""
    return hash_password(secrets.token_urlsafe(32))
