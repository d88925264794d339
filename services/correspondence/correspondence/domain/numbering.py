"""Correspondence numbers: C-<year>-<sequence>, a new sequence each year."""

from __future__ import annotations


def correspondence_number(year: int, sequence: int) -> str:
    """The number of the `sequence`-th correspondence issued in `year`: C-2026-000001."""
    if sequence < 1:
        raise ValueError("sequence numbers start at 1")
    return f"C-{year:04d}-{sequence:06d}"
