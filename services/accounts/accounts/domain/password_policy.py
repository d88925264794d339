"""Password rules after NIST SP 800-63B: length, not the username, not a commonly used password.

No composition rules and no forced expiry: the guideline found they make passwords weaker, not stronger.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

MIN_LENGTH = 12
# An upper bound keeps hashing cost bounded while allowing long passphrases.
MAX_LENGTH = 128


class PasswordRejected(ValueError):
    """The chosen password breaks a rule; the message says which."""


def normalise_password(password: str) -> str:
    """NFKC form, so the same characters typed on different keyboards give the same password."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of commonly used passwords, lowercased."""
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str) -> str | None:
    """Why `password` may not be chosen by `username`, or None when it may."""
    normalised = normalise_password(password)
    if len(normalised) < MIN_LENGTH:
        return f"A password has at least {MIN_LENGTH} characters; a few unrelated words make a good one."
    if len(normalised) > MAX_LENGTH:
        return f"A password has at most {MAX_LENGTH} characters."
    if normalised.casefold() == normalise_password(username).casefold():
        return "A password may not be the username."
    if normalised.lower() in common_passwords():
        return "This password is among the most commonly used ones; choose another."
    return None


def check_password(password: str, username: str) -> str:
    """The password, or PasswordRejected."""
    problem = password_problem(password, username)
    if problem:
        raise PasswordRejected(problem)
    return password
