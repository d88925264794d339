"""CSV documents: cents as exact dollar amounts, and text that a spreadsheet never runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def dollars(cents: int) -> str:
    """Cents as an exact dollar amount: 5000 -> '50.00', -250 -> '-2.50'."""
    return f"{Decimal(cents).scaleb(-2):.2f}"


def cell(value: Any) -> Any:
    """A text cell prefixed with ' when a spreadsheet would read it as a formula (staff-written reasons)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_document(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document (RFC 4180 line ends) of a header row and the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
