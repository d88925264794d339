"""Values in PostgreSQL's COPY text format, and data as JSON, built with as little per-row work as possible."""

from __future__ import annotations

import functools
import json
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
FILING_LINE_KEY = ("filing_id", "amendment", "part", "line")
FILING_LINE_COLUMNS = (*FILING_LINE_KEY, "data")
ROW_HASH_COLUMNS = ("table_name", "record_key", "row_hash", "run_id")
to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def copy_json(value: Any) -> str:
    """A value as JSON in COPY text format: JSON escapes tabs, newlines and carriage returns itself, so only its
    backslashes need doubling (a plain replace, much cheaper than a translation table)."""
    return to_json(value).replace("\\", "\\\\")


def copy_text(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(COPY_ESCAPES)
    if kind is dict or kind is list:
        if not value:
            return "{}" if kind is dict else "[]"
        return copy_json(value)
    if isinstance(value, str):
        return str(value).translate(COPY_ESCAPES)
    if isinstance(value, dict | list):
        return copy_json(value)
    return str(value)


def copy_line(row: dict[str, Any]) -> str:
    """A row (values in column order) as one line of COPY text format."""
    return "\t".join([copy_text(value) for value in row.values()]) + "\n"


def row_hash_line(table: str, key: str, content: str, run_id: str) -> str:
    """A legacy_row_hashes row (ROW_HASH_COLUMNS) as one line of COPY text format."""
    return f"{table}\t{key.translate(COPY_ESCAPES)}\t{content}\t{run_id}\n"


FILED_BY = "legacy:CAL-ACCESS"
CALIFORNIA = ZoneInfo("America/Los_Angeles")


class FilingCopy(NamedTuple):
    """A filings row for a FILER_FILINGS_CD or cover row, in COPY text (FILING_COLUMNS), with what the writer
    needs of it: its version, its filer (which a cross-reference may change) and whether its filing date is known."""

    filing_id: str
    amendment: int
    entity_id: str
    dated: bool
    line: str


FILING_KEY = ("filing_id", "amendment")
FILING_COLUMNS = (
    *FILING_KEY,
    *("entity_id", "form", "period_start", "period_end", "space", "status", "filed_at", "filed_by"),
    *("records", "line_counts", "totals", "warnings", "source"),
)
"""The columns of a filings row as `filing_copy_line` writes them."""


@functools.lru_cache(maxsize=8192)
def _day(text: str) -> str:
    return date.fromisoformat(text).isoformat()


@functools.lru_cache(maxsize=8192)
def _noon_in_california(text: str) -> str:
    return datetime.combine(date.fromisoformat(text), time(12), CALIFORNIA).astimezone(UTC).isoformat()


def filing_copy_line(values: dict[str, Any], migrated_at: datetime, data_json: str | None = None) -> str:
    """`filing_values` of a row as one line of COPY text (FILING_COLUMNS), repeated dates converted once.

    `data_json`: the row's data already as JSON text, for a row with a filing date."""
    data = values["data"]
    if values["filed_at"]:
        filed_at = _noon_in_california(values["filed_at"])
    else:
        filed_at = migrated_at.isoformat()
        data = {**data, "legacy_flags": [*data.get("legacy_flags", []), "filed_at: no filing date; migration time"]}
        data_json = None
    if data_json is None:
        records = copy_json({values["record"]: data})
    else:
        records = f"{{{to_json(values['record'])}:{data_json}}}".replace("\\", "\\\\")
    start, end = values["period_start"], values["period_end"]
    return (
        f"{values['filing_id'].translate(COPY_ESCAPES)}\t{values['amendment']}\t"
        f"{values['entity_id'].translate(COPY_ESCAPES)}\t{values['form'].translate(COPY_ESCAPES)}\t"
        f"{_day(start) if start else NULL}\t{_day(end) if end else NULL}\tproduction\taccepted\t{filed_at}\t"
        f"{FILED_BY}\t{records}\t{{}}\t{{}}\t[]\tlegacy\n"
    )


NULL = "\\N"
