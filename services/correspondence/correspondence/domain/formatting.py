"""How amounts and dates are written in letters (locale-independent, US English)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

# Letters speak of moments in the Division's own time zone.
PACIFIC = ZoneInfo("America/Los_Angeles")

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


def long_datetime(moment: datetime, zone: ZoneInfo = PACIFIC) -> str:
    """A moment as written in a letter, in the Division's time zone: 'July 31, 2026, 10:00 AM PDT'."""
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{long_date(local.date())}, {hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'} {local.tzname()}"


def period_words(start: date | None, end: date | None) -> str:
    """A reporting period as written in a letter; a report with no period (a 24-hour report) says so."""
    if start is None or end is None:
        return "no reporting period"
    return f"{long_date(start)} through {long_date(end)}"


def money_words(amount: Decimal | str) -> str:
    """A dollar amount as a filing reports it (a decimal string) as written in a letter: '$1,500.00'."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def label_words(name: str) -> str:
    """A field name as a label: 'contributions_received' -> 'Contributions received'."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
