"""Usernames: what a person may choose, and the key that makes them unique regardless of case."""

from __future__ import annotations

import re

MIN_LENGTH = 3
MAX_LENGTH = 40
ALLOWED = "letters, digits, '.', '_' and '-'"
PATTERN = re.compile(r"[A-Za-z0-9._-]+")


class UsernameRejected(ValueError):
    """The chosen username breaks a rule; the message says which."""


def username_problem(username: str) -> str | None:
    """Why `username` is not allowed, or None when it is."""
    if not MIN_LENGTH <= len(username) <= MAX_LENGTH:
        return f"A username has {MIN_LENGTH} to {MAX_LENGTH} characters."
    if not PATTERN.fullmatch(username):
        return f"A username may hold only {ALLOWED} (no spaces)."
    return None


def is_valid_username(username: str) -> bool:
    return username_problem(username) is None


def check_username(username: str) -> str:
    """The username as typed, or UsernameRejected."""
    problem = username_problem(username)
    if problem:
        raise UsernameRejected(problem)
    return username


def username_key(username: str) -> str:
    """The case-insensitive identity of a username: 'JDoe' and 'jdoe' are the same account."""
    return username.lower()
