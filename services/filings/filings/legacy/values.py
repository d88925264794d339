"""Turning one raw CAL-ACCESS field (bytes) into text, repairing what the export damaged and flagging the rest.

Each function answers the value and the flags it raised; a flag is a short sentence naming the column, kept
with the migrated row so nothing repaired or doubtful is hidden.
"""

from __future__ import annotations

import re
from datetime import date

FLATTENED_QUOTES = {
    # Windows-1252 smart punctuation with its high bit lost (0x92 -> 0x12)...
    "\x11": "\u2018",
    "\x12": "\u2019",
    "\x13": "\u201c",
    "\x14": "\u201d",
    "\x16": "\u2013",
    "\x17": "\u2014",
    # ...and the low byte of UTF-16 code units (U+2019 -> 0x19).
    "\x18": "\u2018",
    "\x19": "\u2019",
}
_FLATTENED = re.compile("[\x11-\x14\x16-\x19]")
_UTF16_LEFTOVER = re.compile("[^\x00]\x00([\x18\x19])")
"""A UTF-16 quote that lost its high byte: one stray character, a NUL, then the quote's low byte."""
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
_MOJIBAKE_DASH = re.compile(r"(?<= )\u00bf(?= )")
_MOJIBAKE_QUOTE = re.compile(r"(?<=[A-Za-z])\u00bf")

EARLIEST_YEAR, LATEST_YEAR = 1950, 2100
"""Dates outside these years are impossible in this data (typos such as 1006 or 5201, the 1/1/1900 sentinel)."""
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2}):(\d{2}) ([AP]M))?")


def is_plain(raw: bytes) -> bool:
    """Whether bytes are printable ASCII with no control byte (the fast path: most of the export)."""
    return raw.isascii() and _CONTROL_BYTES.search(raw) is None


def decode_text(raw: bytes, column: str) -> tuple[str, list[str]]:
    """Text of a field: UTF-8 if it is valid UTF-8, else Windows-1252, else Latin-1, with damage repaired."""
    flags: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
            flags.append(f"{column}: decoded as Windows-1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            flags.append(f"{column}: decoded as Latin-1")
    if "\x00" in text and _UTF16_LEFTOVER.search(text):
        text = _UTF16_LEFTOVER.sub(lambda match: FLATTENED_QUOTES[match.group(1)], text)
        flags.append(f"{column}: UTF-16 leftover restored")
    if "\x1a" in text:
        text = text.replace("\x1a", "")
        flags.append(f"{column}: end-of-file byte (0x1A) removed")
    if _FLATTENED.search(text):
        text = _FLATTENED.sub(lambda match: FLATTENED_QUOTES[match.group(0)], text)
        flags.append(f"{column}: flattened smart quote restored")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
        flags.append(f"{column}: control byte removed")
    if "\u00bf" in text:
        repaired = _MOJIBAKE_QUOTE.sub("\u2019", _MOJIBAKE_DASH.sub("\u2013", text))
        if repaired != text:
            text = repaired
            flags.append(f"{column}: lost smart quote restored")
    return text, flags


def normalise_date(text: str, column: str, cache: dict[str, tuple[str, str | None]]) -> tuple[str, str | None]:
    """ISO date (or date-time, when the time is not midnight), or the raw text and a flag when impossible."""
    known = cache.get(text)
    if known is None:
        known = _parse_date(text)
        if len(cache) > 50_000:
            cache.clear()
        cache[text] = known
    value, problem = known
    return value, f"{column}: {problem}" if problem else None


def _parse_date(text: str) -> tuple[str, str | None]:
    found = _DATE.fullmatch(text)
    if found is None:
        return text, "not a date"
    month, day, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
    try:
        day_of = date(year, month, day)
    except ValueError:
        return text, "impossible date"
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return text, "impossible date"
    if found.group(4) is None:
        return day_of.isoformat(), None
    hour = int(found.group(4)) % 12 + (12 if found.group(7) == "PM" else 0)
    minute, second = found.group(5), found.group(6)
    if (hour, minute, second) == (0, "00", "00"):
        return day_of.isoformat(), None
    return f"{day_of.isoformat()}T{hour:02d}:{minute}:{second}", None


def normalise_code(text: str, column: str, known: frozenset[str] | None) -> tuple[str, list[str]]:
    """A code upper-cased and trimmed (flagged when that changed it), flagged when not among `known`."""
    flags: list[str] = []
    if not text.strip():
        return text, flags
    code = text.strip().upper()
    if code != text:
        flags.append(f"{column}: code {text!r} normalised")
    if known is not None and code and code not in known:
        flags.append(f"{column}: unknown code {code!r}")
    return code, flags
