"""Recovery codes: shown once at MFA enrolment, stored hashed, each good for one sign-in."""

from __future__ import annotations

import hashlib
import secrets

COUNT = 10
# Letters and digits that cannot be mistaken for each other when read aloud or copied by hand.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUP = 5


def new_codes(count: int = COUNT) -> list[str]:
    """`count` codes like 'k7p2m-x9qrt' (about 50 random bits each)."""
    return ["-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(2)) for _ in range(count)]


def normalise_code(code: str) -> str:
    return code.strip().lower().replace(" ", "").replace("-", "")


def code_hash(code: str) -> str:
    """SHA-256 of the normalised code; its 50 bits and single use make a slow hash unnecessary."""
    return hashlib.sha256(normalise_code(code).encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    normalised = normalise_code(code)
    return len(normalised) == 2 * GROUP and all(char in ALPHABET for char in normalised)
