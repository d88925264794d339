"""Search results as CSV (plain-language headers, stable columns) and as JSON Lines, written a batch at a time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from search.domain.documents import ENTITY, FILING, TRANSACTION, SearchDocument
from search.domain.plain_words import total_name
from search.exports.jobs import CSV, JSONL

# Characters that make a spreadsheet read a cell as a formula (or, for tab and return, shift it into one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200

_KIND_NAMES = {FILING: "Filing", ENTITY: "Filer", TRANSACTION: "Transaction"}


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as typed: a cell starting like a formula gets a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _text(value: str | None) -> str:
    return neutralised(value) if value else ""


def _amount(value: Decimal | None) -> str:
    # Written by us from a Decimal, so a negative amount stays a number rather than being quoted as text.
    return f"{value.quantize(Decimal('0.01'))}" if value is not None else ""


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _totals(document: SearchDocument) -> str:
    return "; ".join(f"{total_name(key)}: {_amount(amount)}" for key, amount in document.totals.items())


# (header, cell) in file order. Headers are a public contract: add columns at the end, never rename or reorder.
CSV_COLUMNS: tuple[tuple[str, Callable[[SearchDocument], str]], ...] = (
    ("Record type", lambda d: _KIND_NAMES.get(d.kind, d.kind)),
    ("Record ID", lambda d: _text(d.id)),
    ("Date", lambda d: _day(d.dated_at)),
    ("Description", lambda d: _text(d.description)),
    ("Filer ID", lambda d: _text(d.entity_id)),
    ("Filer name", lambda d: _text(d.entity_name)),
    ("Filer type", lambda d: _text(d.entity_type_name)),
    ("Form", lambda d: _text(d.form)),
    ("Form name", lambda d: _text(d.form_name)),
    ("Filing ID", lambda d: _text(d.filing_id)),
    ("Amendment number", lambda d: "" if d.amendment is None else str(d.amendment)),
    ("Current version", lambda d: "yes" if d.current else "no"),
    ("Period start", lambda d: _day(d.period_start)),
    ("Period end", lambda d: _day(d.period_end)),
    ("Filed on", lambda d: _day(d.filed_at)),
    ("Schedule", lambda d: _text(d.schedule)),
    ("Schedule name", lambda d: _text(d.schedule_name)),
    ("Line", lambda d: "" if d.line is None else str(d.line)),
    ("Name", lambda d: _text(d.name)),
    ("Employer", lambda d: _text(d.employer)),
    ("Occupation", lambda d: _text(d.occupation)),
    ("City", lambda d: _text(d.city)),
    ("State", lambda d: _text(d.state)),
    ("ZIP code", lambda d: _text(d.zip_code)),
    ("Amount (USD)", lambda d: _amount(d.amount)),
    ("Transaction date", lambda d: _day(d.transaction_date)),
    ("Registered on", lambda d: _day(d.registered_on)),
    ("Reported totals (USD)", lambda d: _text(_totals(d))),
)
CSV_HEADERS: tuple[str, ...] = tuple(header for header, _cell in CSV_COLUMNS)


def _csv_text(rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def csv_header() -> str:
    return _csv_text([CSV_HEADERS])


def csv_rows(documents: Iterable[SearchDocument]) -> str:
    """The CSV lines of `documents` (RFC 4180: quoted where needed, CRLF line ends)."""
    return _csv_text([cell(document) for _header, cell in CSV_COLUMNS] for document in documents)


def jsonl_rows(documents: Iterable[SearchDocument]) -> str:
    """One JSON object a line: the document's record (dates as ISO text, amounts as decimal text)."""
    return "".join(json.dumps(document.to_record(), ensure_ascii=False) + "\n" for document in documents)


@dataclass(frozen=True)
class ExportFormat:
    """How one file format begins and writes rows, and how it is served."""

    name: str
    media_type: str
    extension: str
    header: Callable[[], str]
    rows: Callable[[Iterable[SearchDocument]], str]

    def chunks(self, documents: Iterable[SearchDocument], rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[str]:
        """The whole file, header first, a few hundred rows a piece, for streaming."""
        yield self.header()
        iterator = iter(documents)
        while batch := list(islice(iterator, rows_per_chunk)):
            yield self.rows(batch)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    CSV: ExportFormat(CSV, "text/csv", "csv", csv_header, csv_rows),
    JSONL: ExportFormat(JSONL, "application/x-ndjson", "jsonl", lambda: "", jsonl_rows),
}
