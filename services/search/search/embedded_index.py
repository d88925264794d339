"""The embedded search index: SQLite FTS5 in WAL mode, shared by a writing worker and reading gateways.

One row per document in `documents` (its filter and sort columns indexed, ties in row order; the document itself
as JSON in `records`) and its words in the FTS5 table `documents_text` under the same rowid. Each write also keeps
what some reads would otherwise gather from many rows: the totals of each filer and ZIP code (embedded_totals), the
words written (`lexicon`, so that a typed prefix is searched as the words it stands for), the names in
transactions (`names`, for typeahead) and the rows each month's dates span (`spans`). A full rebuild writes a new
file (a generation) while the current one keeps serving, then switches a pointer file that every operation reads;
the old file is marked retired inside the writers' lock, so a writer that opened it just before the switch retries
on the new one.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from cars_shared.logging import get_logger
from search.domain.documents import ENTITY, TRANSACTION, SearchDocument
from search.domain.query import (
    GROUPINGS,
    Aggregate,
    Bucket,
    SearchQuery,
    SearchResults,
    Suggestion,
    decode_cursor,
    election_cycle_bounds,
    encode_cursor,
    filter_key,
    search_terms,
    zip5,
)
from search.embedded_totals import SCHEMA as TOTALS_SCHEMA
from search.embedded_totals import TALLY_COLUMNS, Tally, kept_scope, read_sql
from search.index import FilingVersion

log = get_logger(__name__)

COUNT_CAP = 10_000
"""Counts up to this many matches are exact; beyond it (unless an exact count is asked for) the count says "at
least this many" and is flagged an estimate."""

RANK_CAP = COUNT_CAP
"""Relevance ranks a search's matches (bm25 over each one, after the filters) when there are at most this many;
beyond it the words say little about relevance (a common name, "contribution"), and such a search lists its
matches newest-indexed first, which costs one page rather than every match. The capped count tells which."""

OPTIMIZE_EVERY = 1000
"""Write transactions between refreshes of the query planner's statistics (the table's size); they are refreshed
too whenever the table has doubled since."""
STATISTICS_MIN_ROWS = 1000
"""The smallest table size statistics are written for."""

LARGE_GROUP_MIN = 200
"""Rows of a filter below which a page by amount reads the filter's own index however large the table."""

LEXICON_CACHE = 1_000_000
"""Words remembered per file as already in its lexicon (beyond it the memory starts over)."""

WORDS_LISTED = 24
"""Most indexed words a typed prefix is searched as (their alternatives); a prefix of more stays a prefix term."""

SCAN_PAGE = 500
"""Documents read per query while scanning every match (exports)."""

WRITE_CHUNK = 500
"""Documents written per statement batch."""

CACHE_KIB = 65536
"""Page cache of each connection: index pages of large batches stay in memory."""

CHECKPOINT_PAGES = 16384
"""WAL pages between checkpoints: a page rewritten by many small write transactions is copied back once."""

MMAP_BYTES = 16 * 2**30
"""How much of the file each connection reads through a memory map (pages found without a read call each);
address space only, the operating system's page cache holds the pages either way."""

PAGE_SIZE = 4096
"""Bytes of a database page, set when the file is created."""

POOL_SIZE = 4
"""Idle connections kept open per index between operations."""

LAYOUT = 4
"""The version of the file's tables and indexes (its user_version); a file of another one is refused, to be deleted
and filled again by a reindex."""

_MAX_KEY = 9223372036854775807
_MIN_KEY = -9223372036854775808

# Written the same in the partial index and in a query, so that the query planner sees the query may use it.
_NOT_TRANSACTION = "kind <> 'transaction'"

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS documents (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        version INTEGER NOT NULL,
        current INTEGER NOT NULL DEFAULT 1,
        filing_id TEXT,
        amendment INTEGER,
        entity_id TEXT COLLATE NOCASE,
        entity_type TEXT COLLATE NOCASE,
        form TEXT COLLATE NOCASE,
        schedule TEXT COLLATE NOCASE,
        name TEXT COLLATE NOCASE,
        employer TEXT COLLATE NOCASE,
        occupation TEXT COLLATE NOCASE,
        city TEXT COLLATE NOCASE,
        state TEXT COLLATE NOCASE,
        zip5 TEXT,
        dated_at TEXT NOT NULL,
        amount_cents INTEGER,
        touched INTEGER NOT NULL DEFAULT 0,
        recorded_at INTEGER NOT NULL
    )
    """,
    # The documents themselves, apart: filters, sorts and totals read the narrow rows above, many to a page.
    "CREATE TABLE IF NOT EXISTS records (rowid INTEGER PRIMARY KEY, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('writes', 0), ('retired', 0)",
    "CREATE INDEX IF NOT EXISTS documents_by_date ON documents (current, dated_at)",
    # When each reached the public record (SearchDocument.recorded_at), in whole seconds since the epoch: alerts
    # read the last day's rows from its end. Documents are written about in the order they are filed, so a write
    # adds to the end of this index rather than all over it, and an integer keeps its entries small.
    "CREATE INDEX IF NOT EXISTS documents_by_recorded ON documents (current, recorded_at)",
    # Filings and entities only (a few in a hundred documents): transactions, most of every write, skip it.
    "CREATE INDEX IF NOT EXISTS documents_by_other_kind ON documents (kind, current, dated_at) "
    f"WHERE {_NOT_TRANSACTION}",
    f"CREATE INDEX IF NOT EXISTS documents_by_amount ON documents (current, coalesce(amount_cents, {_MIN_KEY}))",
    "CREATE INDEX IF NOT EXISTS documents_by_entity_date ON documents (entity_id, current, dated_at)",
    "CREATE INDEX IF NOT EXISTS documents_by_filing ON documents (filing_id, amendment)",
    # Typeahead: filers' names here; the names in transactions, one row per name, in `names` (every transaction
    # in a name index would cost each write a page of it).
    f"CREATE INDEX IF NOT EXISTS documents_by_entity_name ON documents (name, entity_id) WHERE kind = '{ENTITY}'",
    "CREATE TABLE IF NOT EXISTS names (name TEXT PRIMARY KEY COLLATE NOCASE) WITHOUT ROWID",
    # The first and last row dated in each month ('YYYY-MM'), widened by every write.
    "CREATE TABLE IF NOT EXISTS spans (month TEXT PRIMARY KEY, low INTEGER NOT NULL, high INTEGER NOT NULL) "
    "WITHOUT ROWID",
    # With the amount, so that counting an employer's rows within amounts reads the index alone.
    "CREATE INDEX IF NOT EXISTS documents_by_employer_date ON documents (employer, current, dated_at, amount_cents)",
    "CREATE INDEX IF NOT EXISTS documents_by_city_date ON documents (city, current, dated_at)",
    "CREATE INDEX IF NOT EXISTS documents_by_zip_date ON documents (zip5, current, dated_at)",
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS documents_text
    USING fts5(title, description, keywords, name, employer, occupation, tokenize = 'unicode61 remove_diacritics 2')
    """,
    # Every word written, a write's new words in one row: the words a prefix stands for are listed from its
    # vocabulary, whose rows are few (a word is written once per writing process and file).
    "CREATE VIRTUAL TABLE IF NOT EXISTS lexicon USING fts5(words, detail = none, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS lexicon_words USING fts5vocab(lexicon, 'row')",
    *TOTALS_SCHEMA,
    f"PRAGMA user_version = {LAYOUT}",
)

# bm25 column weights: a hit in the title (the filer's or party's name) counts most, then names, codes and ids.
_RANK = "bm25(documents_text, 10.0, 1.0, 4.0, 8.0, 2.0, 2.0)"

# The amount as the amount index holds it: documents without one first (an ascending sort reads them last).
_AMOUNT = f"coalesce(d.amount_cents, {_MIN_KEY})"

# Each sort: the key expression, whether it runs descending, and whether it needs the text match (relevance).
_ORDERS: dict[str, tuple[str, bool]] = {
    "date": ("d.dated_at", False),
    "-date": ("d.dated_at", True),
    "amount": (_AMOUNT, False),
    "-amount": (_AMOUNT, True),
    "filed": ("d.recorded_at", False),
    "-filed": ("d.recorded_at", True),
}

# A unary + keeps the planner from walking a group column's own index (every transaction, in name order) when a
# filter's index finds the few rows to total; the column's collation still applies.
_GROUP_COLUMNS: dict[str, str] = {
    "contributor": "+d.name",
    "employer": "+d.employer",
    "month": "substr(d.dated_at, 1, 7)",
    "zip": "+d.zip5",
    "entity": "+d.entity_id",
}

_INSERT = (
    "INSERT INTO documents (rowid, id, kind, version, current, filing_id, amendment, entity_id, entity_type, form, "
    "schedule, name, employer, occupation, city, state, zip5, dated_at, amount_cents, touched, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_RECORD = "INSERT INTO records (rowid, record) VALUES (?, ?)"
_UPDATE_RECORD = "UPDATE records SET record = ? WHERE rowid = ?"
_INSERT_TEXT = (
    "INSERT INTO documents_text (rowid, title, description, keywords, name, employer, occupation) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    "UPDATE documents SET id = ?, kind = ?, version = ?, current = ?, filing_id = ?, amendment = ?, entity_id = ?, "
    "entity_type = ?, form = ?, schedule = ?, name = ?, employer = ?, occupation = ?, city = ?, state = ?, zip5 = ?, "
    "dated_at = ?, amount_cents = ?, touched = ?, recorded_at = ? WHERE rowid = ?"
)


class RetiredIndex(Exception):
    """The file was replaced by a rebuilt generation after this connection opened it."""


def match_expression(text: str, words: Callable[[str], list[str] | None] | None = None) -> str | None:
    """Each word of `text` as a quoted FTS5 prefix term, all required; None when `text` has no words. `words`, when
    given, lists the indexed words a prefix stands for (None: too many to list), so that the prefix becomes their
    alternatives: FTS5 gathers every match of a prefix term before the first one, but reads alternatives lazily."""
    terms = search_terms(text)
    if not terms:
        return None
    parts = []
    for term in terms:
        # Words hold only letters and digits, so quoting is enough: nothing typed becomes an operator.
        listed = words(term) if words is not None and term.isascii() else None
        if listed:
            parts.append("(" + " OR ".join(f'"{word}"' for word in listed) + ")")
        else:
            parts.append(f'"{term}"*')
    return " AND ".join(parts)


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


def _folded(value: str | None) -> str | None:
    """A string filter column as stored: its filter_key, so that a filter finds it whatever its case or accents."""
    if not value:
        return None
    return filter_key(value) or None


def _folded_values(values: Iterable[str]) -> list[str]:
    """A string filter's values as its column holds them (see _folded), once each."""
    return sorted({filter_key(value) for value in values})


def _seconds(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def _day_seconds(day: date) -> int:
    """The start of `day` (UTC) in whole seconds since the epoch, as `recorded_at` holds times."""
    return _seconds(datetime(day.year, day.month, day.day, tzinfo=UTC))


def _as_current(documents: Iterable[SearchDocument]) -> Iterator[SearchDocument]:
    """A filing version's documents as written: its current ones, whatever the flag they were read with."""
    return (document if document.current else dataclasses.replace(document, current=True) for document in documents)


def _row_values(document: SearchDocument, touched: int) -> tuple[Any, ...]:
    """A document's row: names as written (they are shown: typeahead, totals by contributor), the string filters
    people type folded (an employer group is shown as its record writes it, see EmbeddedIndex._shown_employer); codes
    (filer type, form, schedule) are ASCII as written, which NOCASE compares with a folded filter value alike."""
    name = document.title if document.kind == ENTITY else document.name
    return (
        document.id,
        document.kind,
        document.version,
        int(document.current),
        document.filing_id,
        document.amendment,
        document.entity_id,
        document.entity_type,
        document.form,
        document.schedule,
        name,
        _folded(document.employer),
        _folded(document.occupation),
        _folded(document.city),
        _folded(document.state),
        zip5(document.zip_code) if document.zip_code else None,
        document.dated_at.astimezone(UTC).isoformat(),
        _cents(document.amount),
        touched,
        _seconds(document.recorded_at),
    )


def _tally_row(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """The tally row (embedded_totals.TALLY_COLUMNS) of a document row's values (see _row_values)."""
    return (values[1], values[3], values[6], values[15], values[10], values[11], values[16], values[17])


_WIDEN_SPAN = (
    "INSERT INTO spans (month, low, high) VALUES (?, ?, ?) "
    "ON CONFLICT (month) DO UPDATE SET low = min(low, excluded.low), high = max(high, excluded.high)"
)


def _spans(rows: list[tuple[int, str]]) -> list[tuple[str, int, int]]:
    """(month, first row, last row) of (rowid, dated_at) pairs."""
    spans: dict[str, list[int]] = {}
    for rowid, dated_at in rows:
        span = spans.setdefault(dated_at[:7], [rowid, rowid])
        span[0], span[1] = min(span[0], rowid), max(span[1], rowid)
    return [(month, low, high) for month, (low, high) in spans.items()]


def _transaction_names(rows: list[tuple[Any, ...]]) -> list[tuple[str]]:
    """The names of the current transactions among tally rows, once each, as `names` rows."""
    return [(name,) for name in {row[4] for row in rows if row[0] == TRANSACTION and row[1] and row[4]}]


def _record(document: SearchDocument) -> str:
    return json.dumps(document.to_record(), separators=(",", ":"))


def _text_values(document: SearchDocument, rowid: int) -> tuple[Any, ...]:
    return (
        rowid,
        document.title,
        document.description,
        " ".join(document.keywords),
        document.name or "",
        document.employer or "",
        document.occupation or "",
    )


def _document(record: str, current: int) -> SearchDocument:
    data = json.loads(record)
    data["current"] = bool(current)
    return SearchDocument.from_record(data)


# The shape of the data, as the query planner's statistics (sqlite_stat1) give it: for each index of `documents`,
# how many rows share a value of its first column, of its first two, and so on, with N the table's rows. Written
# rather than measured: ANALYZE on a sample misjudges how few rows one committee or one name has, and a fixed shape
# keeps the plans the same at every size (a filter's own index, the sort's index when nothing narrows).
_SHAPE: dict[str, tuple[str, ...]] = {
    "sqlite_autoindex_documents_1": ("1",),
    "documents_by_date": ("N/2", "20"),
    "documents_by_recorded": ("N/2", "100"),
    "documents_by_other_kind": ("N/100", "N/100", "5"),
    "documents_by_amount": ("N/2", "20"),
    "documents_by_entity_date": ("500", "400", "3"),
    "documents_by_filing": ("60", "30"),
    "documents_by_entity_name": ("2", "1"),
    "documents_by_employer_date": ("2000", "1500", "3", "1"),
    "documents_by_city_date": ("N/100", "N/150", "10"),
    "documents_by_zip_date": ("N/300", "N/400", "5"),
}


def _outgrew_statistics(connection: sqlite3.Connection) -> bool:
    """Whether the documents have doubled since the planner's statistics were written: a few large writes (filings
    written together) grow the table as much as many small ones."""
    try:
        stat = connection.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'documents' LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # no statistics written yet
        stat = None
    written_for = int(stat[0].split()[0]) if stat else STATISTICS_MIN_ROWS
    rows = connection.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0]
    return rows >= 2 * written_for


def _optimize(connection: sqlite3.Connection) -> None:
    """Give the query planner the data's shape (see _SHAPE) at the table's current size; the write it followed is
    already committed, so a busy index only postpones this to a later write."""
    rows = max(STATISTICS_MIN_ROWS, connection.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0])

    def value(term: str) -> int:
        # A fixed count (rows of one committee, one filing, one employer) is at most a tenth of a small table.
        return max(1, rows // int(term[2:])) if term.startswith("N/") else min(max(1, rows // 10), int(term))

    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ANALYZE meta")  # creates sqlite_stat1 when missing; meta's own row is right
        connection.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'documents'")
        connection.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('documents', ?, ?)",
            [(name, " ".join(str(term) for term in (rows, *map(value, shape)))) for name, shape in _SHAPE.items()],
        )
        connection.execute("COMMIT")
        connection.execute("ANALYZE sqlite_schema")  # every connection reloads the statistics
    except sqlite3.OperationalError as error:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        log.info("search_index_statistics_postponed", reason=str(error))


def _next_day(day: date) -> str:
    return (day + timedelta(days=1)).isoformat()


def _filters(query: SearchQuery, unindexed: frozenset[str] = frozenset()) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (on `documents d`) and their parameters for every filter of `query`; the columns in
    `unindexed` written so that the planner does not read their index (a unary +)."""
    where: list[str] = []
    parameters: list[Any] = []

    def one_of(column: str, values: Iterable[Any]) -> None:
        values = list(values)
        if values:
            written = f"+{column}" if column in unindexed else column
            where.append(f"{written} IN ({', '.join('?' * len(values))})")
            parameters.extend(values)

    if not query.include_history:
        where.append("d.current = 1")
    one_of("d.kind", query.kinds)
    if query.kinds and TRANSACTION not in query.kinds:
        where.append(f"d.{_NOT_TRANSACTION}")
    one_of("d.entity_type", _folded_values(query.entity_types))
    one_of("d.form", _folded_values(query.forms))
    one_of("d.schedule", _folded_values(query.schedules))
    one_of("d.entity_id", query.entity_ids)
    one_of("d.city", _folded_values(query.cities))
    one_of("d.state", _folded_values(query.states))
    one_of("d.zip5", {zip5(value) for value in query.zip_codes})
    one_of("d.employer", _folded_values(query.employers))
    one_of("d.occupation", _folded_values(query.occupations))
    if query.election_cycles:
        spans = []
        for cycle in sorted(set(query.election_cycles)):
            start, end = election_cycle_bounds(cycle)
            spans.append("(d.dated_at >= ? AND d.dated_at < ?)")
            parameters.extend([start.isoformat(), _next_day(end)])
        where.append(f"({' OR '.join(spans)})")
    if query.date_from is not None:
        where.append("d.dated_at >= ?")
        parameters.append(query.date_from.isoformat())
    if query.date_to is not None:
        where.append("d.dated_at < ?")
        parameters.append(_next_day(query.date_to))
    if query.filed_from is not None:
        where.append("d.recorded_at >= ?")
        parameters.append(_day_seconds(query.filed_from))
    if query.filed_to is not None:
        where.append("d.recorded_at < ?")
        parameters.append(_day_seconds(query.filed_to + timedelta(days=1)))
    if query.amount_min is not None:
        where.append("d.amount_cents >= ?")
        parameters.append(math.ceil(query.amount_min * 100))
    if query.amount_max is not None:
        where.append("d.amount_cents <= ?")
        parameters.append(math.floor(query.amount_max * 100))
    return where, parameters


def _within_span(query: SearchQuery, where: list[str], parameters: list[Any]) -> None:
    """With dates asked for, bound a text search to the rows of those months (`spans`), so that the full-text index
    skips the words' other matches instead of reading each one (rows are written about in date order); likewise
    with a first filing day, to the rows from the first one filed since."""
    first: str | None = None
    last: str | None = None
    for cycle in query.election_cycles:
        start, end = election_cycle_bounds(cycle)
        first = min(first or "9999", start.isoformat()[:7])
        last = max(last or "", end.isoformat()[:7])
    if query.date_from is not None:
        first = max(first or "", query.date_from.isoformat()[:7])
    if query.date_to is not None:
        last = min(last or "9999", query.date_to.isoformat()[:7])
    if first is not None or last is not None:
        months = "FROM spans WHERE month >= ? AND month <= ?"
        where.append(f"documents_text.rowid BETWEEN (SELECT min(low) {months}) AND (SELECT max(high) {months})")
        parameters += [first or "", last or "9999"] * 2
    if query.filed_from is not None and not query.include_history:
        # Filed since a day (an alert's last run): no earlier row than the first current one filed since then, read
        # from the filing-date index, where the recent ones are few.
        where.append(
            "documents_text.rowid >= (SELECT min(rowid) FROM documents INDEXED BY documents_by_recorded "
            "WHERE current = 1 AND recorded_at >= ?)"
        )
        parameters.append(_day_seconds(query.filed_from))


def _indexed_filters(query: SearchQuery) -> list[tuple[str, str, list[str]]]:
    """The filters of `query` on a column with an index of its own: (column, index, values as stored)."""
    return [
        (column, index, values)
        for column, index, values in (
            ("d.entity_id", "documents_by_entity_date", list(query.entity_ids)),
            ("d.employer", "documents_by_employer_date", _folded_values(query.employers)),
            ("d.city", "documents_by_city_date", _folded_values(query.cities)),
            ("d.zip5", "documents_by_zip_date", sorted({zip5(value) for value in query.zip_codes})),
        )
        if values
    ]


@dataclass(frozen=True)
class PageStatement:
    """The SQL of one page of a search, and the FROM and WHERE its count shares."""

    sql: str
    parameters: list[Any]
    source: str
    condition: str
    filter_parameters: list[Any]


def page_statement(
    query: SearchQuery,
    broad: bool = False,
    unindexed: frozenset[str] = frozenset(),
    expression: str | None = None,
    counted_unindexed: frozenset[str] = frozenset(),
) -> PageStatement | None:
    """One page (`limit` + 1 rows of id, rowid, current, sort key) of `query`; None when its text has no words.
    `broad`: the search matches too many documents to rank (see RANK_CAP), so relevance lists them newest-indexed
    first, in the order the full-text index reads them. `unindexed`: filter columns whose index the page must not
    read (see EmbeddedIndex._large_groups); its count reads them, but for those in `counted_unindexed` (see
    EmbeddedIndex._filed_first). `expression`: the text as a MATCH expression, when already made (see
    match_expression)."""
    statement = _page_statement(query, broad, unindexed, expression)
    if statement is None or unindexed == counted_unindexed:
        return statement
    counted = _page_statement(query, broad, counted_unindexed, expression)
    if counted is None:
        return statement
    return dataclasses.replace(statement, condition=counted.condition, filter_parameters=counted.filter_parameters)


def _page_statement(
    query: SearchQuery, broad: bool, unindexed: frozenset[str], expression: str | None
) -> PageStatement | None:
    where, parameters = _filters(query, unindexed)
    source = "documents d"
    if expression is None and query.text is not None:
        expression = match_expression(query.text)
    if query.text is not None:
        if expression is None:
            return None
        source = "documents_text CROSS JOIN documents d ON d.rowid = documents_text.rowid"
        where.insert(0, "documents_text MATCH ?")
        parameters.insert(0, expression)
        _within_span(query, where, parameters)
    if query.sort == "relevance" and expression is not None and broad:
        key, descending = "documents_text.rowid", True
    elif query.sort == "relevance" and expression is not None:
        key, descending = _RANK, False
    else:
        key, descending = _ORDERS["-date" if query.sort == "relevance" else query.sort]
    if query.sort in ("amount", "-amount"):
        # The amount bounds again on the indexed amount itself, so that its index is read from the first one on.
        if query.amount_min is not None:
            where.append(f"{_AMOUNT} >= ?")
            parameters.append(math.ceil(query.amount_min * 100))
        if query.amount_max is not None:
            where.append(f"{_AMOUNT} <= ?")
            parameters.append(math.floor(query.amount_max * 100))
    condition = " AND ".join(where) or "1"
    if query.sort == "amount":
        return _amount_up_statement(query, source, where, parameters, condition)
    comparison, direction = ("<", "DESC") if descending else (">", "ASC")
    page_where, page_parameters = list(where), list(parameters)
    order = f"{key} {direction}, d.rowid {direction}"
    if key == "documents_text.rowid":
        # Unique, and the full-text index's own order: it stops after one page instead of sorting every match.
        order = f"{key} {direction}"
        if query.after:
            page_where.append(f"{key} {comparison} ?")
            page_parameters.append(decode_cursor(query.after, query.sort)[0])
    elif query.after:
        last_key, last_id = decode_cursor(query.after, query.sort)
        page_where.append(_after(key, comparison))
        page_parameters += [last_key, last_key, last_key, last_id]
    sql = (
        f"SELECT d.id, d.rowid, d.current, {key} FROM {source} WHERE {' AND '.join(page_where) or '1'} "  # noqa: S608 - fixed SQL, values are bound
        f"ORDER BY {order} LIMIT ?"
    )
    return PageStatement(sql, [*page_parameters, query.limit + 1], source, condition, parameters)


def _after(key: str, comparison: str) -> str:
    """The keyset condition after a cursor's (key, document id): the first comparison repeats the second's bound so
    that it reads as a range an index can start from; ties go in row order (each sort's index ends with the row),
    the cursor's document naming the row."""
    row = "(SELECT rowid FROM documents WHERE id = ?)"
    return f"{key} {comparison}= ? AND ({key} {comparison} ? OR ({key} = ? AND d.rowid {comparison} {row}))"


def _amount_up_statement(
    query: SearchQuery, source: str, where: list[str], parameters: list[Any], condition: str
) -> PageStatement:
    """Smallest amount first, documents without one last, from the one amount index (where those come first):
    a page of the amounts, then as many of the rest as the page still holds, in row order. Their cursor key is the
    largest one, as the order places them."""
    last_key, last_id = decode_cursor(query.after, query.sort) if query.after else (None, None)
    limit = query.limit + 1
    amounts_where, amounts_parameters = [*where, f"{_AMOUNT} > {_MIN_KEY}"], list(parameters)
    rest_where, rest_parameters = [*where, f"{_AMOUNT} = {_MIN_KEY}"], list(parameters)
    amounts_limit = limit
    if last_key == _MAX_KEY:
        amounts_limit = 0
        rest_where.append("d.rowid > (SELECT rowid FROM documents WHERE id = ?)")
        rest_parameters.append(last_id)
    elif query.after:
        amounts_where.append(_after(_AMOUNT, ">"))
        amounts_parameters += [last_key, last_key, last_key, last_id]
    columns = "d.id, d.rowid AS row, d.current"
    sql = (
        "SELECT id, row, current, key FROM ("  # noqa: S608 - fixed SQL, values are bound
        f"SELECT * FROM (SELECT 0 AS part, {columns}, {_AMOUNT} AS key FROM {source} "
        f"WHERE {' AND '.join(amounts_where)} ORDER BY {_AMOUNT}, d.rowid LIMIT ?) "
        f"UNION ALL SELECT * FROM (SELECT 1 AS part, {columns}, {_MAX_KEY} AS key FROM {source} "
        f"WHERE {' AND '.join(rest_where)} ORDER BY d.rowid LIMIT ?)"
        ") ORDER BY part, key, row LIMIT ?"
    )
    statement_parameters = [*amounts_parameters, amounts_limit, *rest_parameters, limit, limit]
    return PageStatement(sql, statement_parameters, source, condition, parameters)


class EmbeddedIndex:
    """SearchIndex on SQLite FTS5 in WAL mode, so one writer and many readers work at once."""

    def __init__(self, path: Path | str, busy_timeout_seconds: float = 30.0) -> None:
        self.path = Path(path)
        self.busy_timeout_seconds = busy_timeout_seconds
        self._ready: set[Path] = set()
        self._schema_lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._idle: dict[Path, list[sqlite3.Connection]] = {}
        self._lexicon_words: dict[tuple[str, int, int], set[str]] = {}

    # -- generations -------------------------------------------------------------------------------------

    @property
    def pointer(self) -> Path:
        """The file naming the generation in service (absent: `path` itself serves)."""
        return self.path.with_name(self.path.name + ".current")

    def current_file(self) -> Path:
        """The SQLite file that serves now."""
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return self.path
        return self.path.with_name(name) if name else self.path

    def begin_rebuild(self) -> Rebuild:
        """A new, empty generation to fill while this one keeps serving; `Rebuild.finish` switches to it."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        target = self.path.with_name(f"{self.path.stem}.{stamp}.{os.getpid()}{self.path.suffix or '.db'}")
        return Rebuild(self, target)

    # -- writing -----------------------------------------------------------------------------------------

    def upsert(self, document: SearchDocument) -> bool:
        return self.upsert_many([document]) == 1

    def upsert_many(self, documents: Iterable[SearchDocument]) -> int:
        batch = list(documents)
        return self._writing(lambda connection, touched: self._write_many(connection, batch, touched))

    def replace_filing(self, filing_id: str, amendment: int, documents: Iterable[SearchDocument]) -> int:
        return self.replace_filings([FilingVersion(filing_id, amendment, list(documents))])[0]

    def replace_filings(self, versions: Sequence[FilingVersion]) -> list[int]:
        # One write transaction for all: most of a filing's cost is the index pages it touches, shared by the
        # filings written together. Each version sees those written before it (an amendment after its original).
        return self._writing(lambda connection, touched: self._replace_all(connection, touched, versions))

    def _replace_all(
        self, connection: sqlite3.Connection, touched: int, versions: Sequence[FilingVersion]
    ) -> list[int]:
        """Each version's documents stored, in order. A run of originals of distinct filings (most of what the worker
        and an import write) is written as one: an original retires nothing, so its documents join the others'."""
        stored: list[int] = []
        run: list[FilingVersion] = []
        for version in versions:
            if version.amendment == 0 and all(version.filing_id != earlier.filing_id for earlier in run):
                run.append(version)
                continue
            stored += self._replace_originals(connection, touched, run)
            run = []
            if version.amendment == 0:
                run.append(version)
            else:
                stored.append(self._replace(connection, touched, version))
        return stored + self._replace_originals(connection, touched, run)

    def _replace_originals(
        self, connection: sqlite3.Connection, touched: int, versions: list[FilingVersion]
    ) -> list[int]:
        """As `_replace` for each of `versions`, originals (amendment 0) of distinct filings, in one `_write_many`."""
        if not versions:
            return []
        amended: set[str] = set()
        for first in range(0, len(versions), WRITE_CHUNK):
            filing_ids = [version.filing_id for version in versions[first : first + WRITE_CHUNK]]
            amended.update(
                filing_id
                for (filing_id,) in connection.execute(
                    "SELECT DISTINCT filing_id FROM documents "  # noqa: S608 - only marks
                    f"WHERE filing_id IN ({', '.join('?' * len(filing_ids))}) "
                    "AND kind IN ('filing', 'transaction') AND amendment > 0",
                    filing_ids,
                )
            )
        kept = [version for version in versions if version.filing_id not in amended]
        self._write_many(
            connection,
            _as_current(document for version in kept for document in version.documents),
            touched,
            written_ids := set(),
        )
        return [
            0 if version.filing_id in amended else len({d.id for d in version.documents} & written_ids)
            for version in versions
        ]

    def _replace(self, connection: sqlite3.Connection, touched: int, version: FilingVersion) -> int:
        filing_id, amendment = version.filing_id, version.amendment
        batch = _as_current(version.documents)
        stored = connection.execute(
            "SELECT max(amendment) FROM documents WHERE filing_id = ? AND kind IN ('filing', 'transaction')",
            (filing_id,),
        ).fetchone()[0]
        if stored is not None and stored > amendment:
            return 0
        retired = connection.execute(
            "UPDATE documents SET current = 0, touched = ? "  # noqa: S608 - fixed column names
            "WHERE filing_id = ? AND amendment < ? AND current = 1 AND kind = 'transaction' "
            f"RETURNING {TALLY_COLUMNS}",
            (touched, filing_id, amendment),
        ).fetchall()
        tally = Tally()
        # RETURNING gives the rows as updated: they counted while current.
        tally.add(((kind, 1, *rest) for kind, _current, *rest in retired), sign=-1)
        return self._write_many(connection, batch, touched, tally=tally)

    def _writing(self, work: Any) -> int:
        """Run `work(connection, touched)` in one write transaction on the generation in service."""
        while True:
            with self._connection() as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    if connection.execute("SELECT value FROM meta WHERE key = 'retired'").fetchone()[0]:
                        raise RetiredIndex
                    touched = connection.execute(
                        "UPDATE meta SET value = value + 1 WHERE key = 'writes' RETURNING value"
                    ).fetchone()[0]
                    result = work(connection, touched)
                    connection.execute("COMMIT")
                except RetiredIndex:
                    connection.execute("ROLLBACK")
                    continue
                except BaseException:
                    connection.execute("ROLLBACK")
                    self._lexicon_words.clear()  # the words it wrote are gone again
                    raise
                if touched % OPTIMIZE_EVERY == 0 or _outgrew_statistics(connection):
                    _optimize(connection)
                return result

    def _add_words(self, connection: sqlite3.Connection, texts: list[tuple[Any, ...]]) -> None:
        """Write the words of `texts` not yet in the file's lexicon (as far as this process wrote it) as one row."""
        path = connection.execute("PRAGMA database_list").fetchone()[2]
        stat = os.stat(path)
        file = (path, stat.st_dev, stat.st_ino)  # a file made anew at the same path starts with no words known
        with self._pool_lock:
            known = self._lexicon_words.setdefault(file, set())
            if len(known) > LEXICON_CACHE:
                known.clear()
            new = set(" ".join(text for values in texts for text in values[1:]).split()) - known
            known |= new
        if new:
            connection.execute("INSERT INTO lexicon (words) VALUES (?)", (" ".join(sorted(new)),))

    def _write_many(
        self,
        connection: sqlite3.Connection,
        documents: Iterable[SearchDocument],
        touched: int,
        written_ids: set[str] | None = None,
        tally: Tally | None = None,
    ) -> int:
        """Store documents (each unless a newer version of it is stored) in statements of WRITE_CHUNK rows, and
        bring the kept totals (with `tally`'s changes so far) in step; the ids stored join `written_ids`."""
        tally = tally or Tally()
        stored = 0
        iterator = iter(documents)
        while chunk := list(islice(iterator, WRITE_CHUNK)):
            latest: dict[str, SearchDocument] = {}
            for document in chunk:
                seen = latest.get(document.id)
                if seen is None or document.version >= seen.version:
                    latest[document.id] = document
            marks = ", ".join("?" * len(latest))
            existing = {
                row[0]: (row[1], row[2], row[3:])
                for row in connection.execute(
                    # Named: with a few hundred ids the planner could otherwise judge a small table worth scanning.
                    f"SELECT id, rowid, version, {TALLY_COLUMNS} FROM documents "  # noqa: S608 - only marks
                    f"INDEXED BY sqlite_autoindex_documents_1 WHERE id IN ({marks})",
                    list(latest),
                )
            }
            inserts, updates = [], []
            for document in latest.values():
                found = existing.get(document.id)
                if found is None:
                    inserts.append(document)
                elif found[1] <= document.version:
                    updates.append((document, found[0]))
                    tally.add([found[2]], sign=-1)
            next_rowid = connection.execute("SELECT coalesce(max(rowid), 0) + 1 FROM documents").fetchone()[0]
            placed = [(document, next_rowid + offset) for offset, document in enumerate(inserts)]
            inserted = [(rowid, *_row_values(document, touched)) for document, rowid in placed]
            changed = [(*_row_values(document, touched), rowid) for document, rowid in updates]
            tally.add(_tally_row(row[1:]) for row in inserted)
            tally.add(_tally_row(row) for row in changed)
            connection.executemany(
                _WIDEN_SPAN, _spans([(row[0], row[17]) for row in inserted] + [(row[-1], row[16]) for row in changed])
            )
            connection.executemany(
                "INSERT OR IGNORE INTO names (name) VALUES (?)",
                _transaction_names([_tally_row(row[1:]) for row in inserted] + [_tally_row(row) for row in changed]),
            )
            connection.executemany(_INSERT, inserted)
            connection.executemany(_INSERT_RECORD, [(rowid, _record(document)) for document, rowid in placed])
            connection.executemany(_UPDATE, changed)
            connection.executemany(_UPDATE_RECORD, [(_record(document), rowid) for document, rowid in updates])
            connection.executemany("DELETE FROM documents_text WHERE rowid = ?", [(rowid,) for _d, rowid in updates])
            texts = [_text_values(document, rowid) for document, rowid in placed + updates]
            connection.executemany(_INSERT_TEXT, texts)
            self._add_words(connection, texts)
            stored += len(placed) + len(updates)
            if written_ids is not None:
                written_ids.update(document.id for document, _rowid in placed + updates)
        tally.apply(connection)
        return stored

    # -- reading -----------------------------------------------------------------------------------------

    def get(self, document_id: str) -> SearchDocument | None:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT r.record, d.current FROM documents d JOIN records r ON r.rowid = d.rowid WHERE d.id = ?",
                (document_id,),
            ).fetchone()
        return _document(*row) if row else None

    def count(self, kind: str | None = None) -> int:
        with self._connection() as connection:
            if kind is None:
                return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
            return connection.execute("SELECT count(*) FROM documents WHERE kind = ?", (kind,)).fetchone()[0]

    def search(self, query: SearchQuery) -> SearchResults:
        with self._connection() as connection:
            return self._search(connection, query, counted=True)

    def scan(self, query: SearchQuery) -> Iterator[SearchDocument]:
        page = dataclasses.replace(query, limit=SCAN_PAGE, exact_count=False)
        while True:
            with self._connection() as connection:
                results = self._search(connection, page, counted=False)
            yield from results.documents
            if results.next_cursor is None:
                return
            page = dataclasses.replace(page, after=results.next_cursor)

    def _search(self, connection: sqlite3.Connection, query: SearchQuery, counted: bool) -> SearchResults:
        expression = None
        if query.text is not None:
            expression = match_expression(query.text, lambda prefix: self._words(connection, prefix))
        filed_first = self._filed_first(connection, query)
        statement = page_statement(
            query,
            unindexed=self._large_groups(connection, query) | filed_first,
            expression=expression,
            counted_unindexed=filed_first,
        )
        if statement is None:
            return SearchResults(documents=[], count=0)
        capped: tuple[int, bool] | None = None
        if query.sort == "relevance" and query.text is not None:
            # A later page follows the way its cursor was made (a rank is a float, a position in the index an
            # integer), so a search's pages stay in one order while documents are indexed.
            if query.after:
                broad = isinstance(decode_cursor(query.after, query.sort)[0], int)
            else:
                capped = self._count_matches(
                    connection, statement.source, statement.condition, statement.filter_parameters, False, RANK_CAP
                )
                broad = not capped[1]
            statement = page_statement(query, broad, expression=expression) or statement
        rows = connection.execute(statement.sql, statement.parameters).fetchall()
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        next_cursor = encode_cursor(query.sort, rows[-1][3], rows[-1][0]) if more and rows else None
        count, exact = len(rows), True
        if counted:
            if capped is not None and RANK_CAP == COUNT_CAP and (capped[1] or not query.exact_count):
                count, exact = capped  # the count that chose the order is the search's count
            else:
                count, exact = self._count_matches(
                    connection, statement.source, statement.condition, statement.filter_parameters, query.exact_count
                )
        return SearchResults(
            documents=self._documents(connection, rows),
            count=count,
            count_exact=exact,
            next_cursor=next_cursor,
        )

    @staticmethod
    def _words(connection: sqlite3.Connection, prefix: str) -> list[str] | None:
        """The indexed words starting with `prefix` (from `lexicon`), or None when there are more than WORDS_LISTED
        or none (the prefix term then stands as it is)."""
        rows = connection.execute(
            "SELECT term FROM lexicon_words WHERE term >= ? AND term <= ? LIMIT ?",
            (prefix, prefix + "\U0010ffff", WORDS_LISTED + 1),
        ).fetchall()
        return [row[0] for row in rows] if 0 < len(rows) <= WORDS_LISTED else None

    @staticmethod
    def _large_groups(connection: sqlite3.Connection, query: SearchQuery) -> frozenset[str]:
        """For a page by amount without words: the filter columns to leave unread when every filter with an index
        of its own matches many rows (a large committee, a common employer). Reading the amount index in order
        and checking the filters then finds a page after about (page / share of the rows) rows, where the filters'
        own indexes would yield every row of the groups to sort; for small groups those are the better read. The
        bound between the two is the geometric mean of a page and the table, where both cost the same."""
        if query.sort not in ("amount", "-amount") or query.text is not None:
            return frozenset()
        filters = _indexed_filters(query)
        if not filters:
            return frozenset()
        rows = connection.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0]
        bound = max(LARGE_GROUP_MIN, math.isqrt(rows * (query.limit + 1)))
        current = "" if query.include_history else " AND current = 1"
        for column, index, values in filters:
            found = connection.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM documents INDEXED BY {index} "  # noqa: S608 - fixed names
                f"WHERE {column[2:]} IN ({', '.join('?' * len(values))}){current} LIMIT ?)",
                (*values, bound),
            ).fetchone()[0]
            if found < bound:
                return frozenset()
        return frozenset(column for column, _index, _values in filters)

    @staticmethod
    def _filed_first(connection: sqlite3.Connection, query: SearchQuery) -> frozenset[str]:
        """For a search filed within days, without words (an alert's run since its last one): the filter columns
        to leave unread when fewer rows were filed in those days than every filter with an index of its own matches
        (a large city, a common employer). The filing-date index then reads those few rows, newest first, instead
        of every row of the groups; the planner cannot tell how few they are."""
        if query.filed_from is None or query.text is not None:
            return frozenset()
        filters = _indexed_filters(query)
        if not filters:
            return frozenset()
        days = SearchQuery(filed_from=query.filed_from, filed_to=query.filed_to, include_history=True)
        where, parameters = _filters(days)
        where.insert(0, "d.current IN (0, 1)" if query.include_history else "d.current = 1")
        filed = connection.execute(
            "SELECT count(*) FROM (SELECT 1 FROM documents d INDEXED BY documents_by_recorded "  # noqa: S608 - fixed SQL
            f"WHERE {' AND '.join(where)} LIMIT ?)",
            (*parameters, COUNT_CAP),
        ).fetchone()[0]
        if filed >= COUNT_CAP:
            return frozenset()
        current = "" if query.include_history else " AND current = 1"
        for column, index, values in filters:
            found = connection.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM documents INDEXED BY {index} "  # noqa: S608 - fixed names
                f"WHERE {column[2:]} IN ({', '.join('?' * len(values))}){current} LIMIT ?)",
                (*values, filed + 1),
            ).fetchone()[0]
            if found <= filed:
                return frozenset()
        return frozenset(column for column, _index, _values in filters)

    @staticmethod
    def _documents(connection: sqlite3.Connection, rows: list[Any]) -> list[SearchDocument]:
        """The documents of a page's rows (id, rowid, current, key), read once the page is known."""
        if not rows:
            return []
        marks = ", ".join("?" * len(rows))
        records = dict(
            connection.execute(
                f"SELECT rowid, record FROM records WHERE rowid IN ({marks})",  # noqa: S608 - only marks
                [row[1] for row in rows],
            )
        )
        return [_document(records[rowid], current) for _id, rowid, current, _key in rows]

    def _count_matches(
        self,
        connection: sqlite3.Connection,
        source: str,
        condition: str,
        parameters: list[Any],
        exact: bool,
        cap: int | None = None,
    ) -> tuple[int, bool]:
        """How many match: exact when asked or when at most `cap` (default COUNT_CAP), else (cap, False)."""
        if exact:
            sql = f"SELECT count(*) FROM {source} WHERE {condition}"  # noqa: S608
            return connection.execute(sql, parameters).fetchone()[0], True
        cap = COUNT_CAP if cap is None else cap
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {condition} LIMIT ?)"  # noqa: S608
        found = connection.execute(sql, (*parameters, cap + 1)).fetchone()[0]
        return (cap, False) if found > cap else (found, True)

    def aggregate(self, query: SearchQuery, by: str, top: int) -> Aggregate:
        if by not in GROUPINGS:
            raise ValueError(f"cannot group by {by!r}")
        with self._connection() as connection:
            return self._aggregate(connection, query, by, top)

    def _aggregate(self, connection: sqlite3.Connection, query: SearchQuery, by: str, top: int) -> Aggregate:
        expression = None
        if query.text is not None:
            expression = match_expression(query.text, lambda prefix: self._words(connection, prefix))
            if expression is None:
                return Aggregate(by=by)
        where, parameters = _filters(query)
        where += ["d.kind = ?", "d.amount_cents IS NOT NULL"]
        parameters.append(TRANSACTION)
        source = "documents d"
        if expression is not None:
            source = "documents_text CROSS JOIN documents d ON d.rowid = documents_text.rowid"
            where.insert(0, "documents_text MATCH ?")
            parameters.insert(0, expression)
            _within_span(query, where, parameters)
        group = _GROUP_COLUMNS[by]
        where.append(f"{group} IS NOT NULL")
        kept = kept_scope(query, by)
        if kept is not None:
            # A filer's or a ZIP code's own totals, kept as documents are written: its groups, not its rows.
            scope, values = kept
            rows = connection.execute(read_sql(len(values)), (scope, by, *values, top)).fetchall()
        else:
            rows = connection.execute(
                f"SELECT {group} AS bucket, sum(d.amount_cents) AS total, count(*) FROM {source} "  # noqa: S608
                f"WHERE {' AND '.join(where)} GROUP BY bucket ORDER BY total DESC, bucket LIMIT ?",
                (*parameters, top),
            ).fetchall()
        buckets = []
        for key, total, count in rows:
            if by == "employer":
                key = self._shown_employer(connection, key)
            label = None
            if by == "entity":
                found = connection.execute(
                    "SELECT json_extract(r.record, '$.entity_name') FROM documents d "
                    "JOIN records r ON r.rowid = d.rowid WHERE d.entity_id = ? LIMIT 1",
                    (key,),
                ).fetchone()
                label = found[0] if found else None
            buckets.append(Bucket(key=key, total=Decimal(total).scaleb(-2), count=count, label=label))
        return Aggregate(by=by, buckets=buckets)

    @staticmethod
    def _shown_employer(connection: sqlite3.Connection, key: str) -> str:
        """How an employer group (its folded key) is shown: as its most recent row writes it."""
        found = connection.execute(
            "SELECT json_extract(r.record, '$.employer') FROM documents d INDEXED BY documents_by_employer_date "
            "JOIN records r ON r.rowid = d.rowid WHERE d.employer = ? ORDER BY d.current DESC, d.dated_at DESC LIMIT 1",
            (key,),
        ).fetchone()
        return found[0] if found and found[0] else key

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        start = " ".join(prefix.split())
        if not start or limit < 1:
            return []
        bounds = (start, start + "\U0010ffff")
        with self._connection() as connection:
            entities = connection.execute(
                f"SELECT name, entity_id FROM documents WHERE kind = '{ENTITY}' AND current = 1 "  # noqa: S608 - a constant
                "AND name >= ? AND name < ? ORDER BY name, entity_id LIMIT ?",
                (*bounds, limit),
            ).fetchall()
            found = [Suggestion(text=name, kind=ENTITY, entity_id=entity_id) for name, entity_id in entities]
            seen = {suggestion.text.casefold() for suggestion in found}
            names = connection.execute("SELECT name FROM names WHERE name >= ? AND name < ? ORDER BY name", bounds)
            for (name,) in names:
                if len(found) >= limit:
                    break
                if name.casefold() not in seen and self._in_current_transaction(connection, name):
                    found.append(Suggestion(text=name, kind=TRANSACTION))
        return found

    @staticmethod
    def _in_current_transaction(connection: sqlite3.Connection, name: str) -> bool:
        """Whether a current transaction names `name` (a name stays in `names` once written, also when only
        transactions of earlier filing versions hold it); looked up by its whole words, which the index reads lazily."""
        terms = search_terms(name)
        if not terms:
            return False
        expression = " AND ".join(f'"{term}"' for term in terms)
        return (
            connection.execute(
                "SELECT 1 FROM documents_text CROSS JOIN documents d ON d.rowid = documents_text.rowid "  # noqa: S608 - a constant
                f"WHERE documents_text MATCH ? AND d.name = ? AND d.kind = '{TRANSACTION}' AND d.current = 1 LIMIT 1",
                (expression, name),
            ).fetchone()
            is not None
        )

    # -- connections -------------------------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # One operation holds a connection alone (safe across threads and green threads); between operations it
        # waits idle in a small pool, outside any transaction, so it never holds a stale snapshot. Keeping it open
        # keeps its page cache and spares the WAL checkpoint and fsync that closing the last connection does.
        # Each operation reads the pointer first and so follows a rebuilt generation as soon as it is switched.
        file = self.current_file()
        connection = self._take(file)
        try:
            yield connection
        except BaseException:
            connection.close()
            raise
        if connection.in_transaction:
            connection.close()
        else:
            self._give_back(file, connection)

    def _take(self, file: Path) -> sqlite3.Connection:
        with self._pool_lock:
            for stale in [other for other in self._idle if other != file]:
                for connection in self._idle.pop(stale):
                    connection.close()
            idle = self._idle.get(file)
            if idle:
                return idle.pop()
        return self._open(file)

    def _give_back(self, file: Path, connection: sqlite3.Connection) -> None:
        with self._pool_lock:
            idle = self._idle.setdefault(file, [])
            if len(idle) < POOL_SIZE:
                idle.append(connection)
                return
        connection.close()

    def _discard(self, file: Path) -> None:
        """Close the idle connections to `file` (a generation that was switched away from)."""
        with self._pool_lock:
            for connection in self._idle.pop(file, []):
                connection.close()

    def _open(self, file: Path) -> sqlite3.Connection:
        connection = sqlite3.connect(
            file, timeout=self.busy_timeout_seconds, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_seconds * 1000)}")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        connection.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        self._ensure_schema(connection, file)
        return connection

    def _ensure_schema(self, connection: sqlite3.Connection, file: Path) -> None:
        if file in self._ready:
            return
        with self._schema_lock:
            if file in self._ready:
                return
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            layout = connection.execute("PRAGMA user_version").fetchone()[0]
            # Readers only look: a gateway starting while the worker writes must not queue for the write lock.
            if "documents" in names and layout != LAYOUT:
                raise RuntimeError(
                    f"{file} is a search index of an earlier layout: delete it, then fill a new one with "
                    "`cars-search reindex`"
                )
            if not {"documents", "records", "documents_text", "meta", "totals", "names", "spans", "lexicon"} <= names:
                if not names:
                    connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.execute("COMMIT")
                _optimize(connection)
            self._ready.add(file)


class Rebuild:
    """A generation being built beside the one in service. Fill `index`, then `finish()` (or `abandon()`)."""

    def __init__(self, serving: EmbeddedIndex, target: Path) -> None:
        self.serving = serving
        self.target = target
        self.index = EmbeddedIndex(target, serving.busy_timeout_seconds)
        self.index.count()  # creates the file and its schema
        with serving._connection() as connection:
            self._since = connection.execute("SELECT value FROM meta WHERE key = 'writes'").fetchone()[0]

    def finish(self) -> int:
        """Copy what was written to the serving generation meanwhile, then switch to the new one, atomically for
        writers; the old file is deleted. How many documents were copied over."""
        with self.index._connection() as fresh:
            _optimize(fresh)
        old = self.serving.current_file()
        connection = self.serving._open(old)
        with closing(connection):
            # Most of the catching up happens while writers go on; the rest inside their lock, with the switch.
            copied = self._catch_up(connection)
            connection.execute("BEGIN IMMEDIATE")
            try:
                copied += self._catch_up(connection)
                connection.execute("UPDATE meta SET value = 1 WHERE key = 'retired'")
                pointer = self.serving.pointer
                temporary = pointer.with_name(pointer.name + ".tmp")
                temporary.write_text(self.target.name)
                os.replace(temporary, pointer)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        self.serving._discard(old)
        for leftover in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            leftover.unlink(missing_ok=True)
        return copied

    def abandon(self) -> None:
        """Drop the unfinished generation; the serving one is untouched."""
        self.index._discard(self.target)
        for leftover in (self.target, Path(f"{self.target}-wal"), Path(f"{self.target}-shm")):
            leftover.unlink(missing_ok=True)

    def _catch_up(self, connection: sqlite3.Connection) -> int:
        """Copy the documents written to the serving generation since the rebuild began (or since the last pass),
        with their current flag: one scan of the table in one snapshot, whose write counter the next pass starts at."""
        in_transaction = connection.in_transaction
        if not in_transaction:
            connection.execute("BEGIN")
        try:
            writes = connection.execute("SELECT value FROM meta WHERE key = 'writes'").fetchone()[0]
            rows = connection.execute(
                "SELECT r.record, d.current FROM documents d JOIN records r ON r.rowid = d.rowid WHERE d.touched > ?",
                (self._since,),
            )
            copied = self.index.upsert_many(_document(record, current) for record, current in rows)
        finally:
            if not in_transaction:
                connection.execute("COMMIT")
        self._since = writes
        return copied
