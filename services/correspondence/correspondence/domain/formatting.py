"""How amounts and dates are written in letters (locale-independent, US English)."""

from __future__ import annotations

from datetime import date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def dollars(cents: int) -> str:
    """Integer cents as US dollars: 5000 -> '$50.00', 123456 -> '$1,234.56'."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{rest:02d}"


def long_date(day: date) -> str:
    """A date as written in a letter: 'March 17, 2026'."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
