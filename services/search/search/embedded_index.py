"""The embedded search index: one SQLite file with an FTS5 table, shared by a writing worker and reading gateways."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC
from pathlib import Path

from search.domain.documents import SearchDocument
from search.domain.query import SearchQuery, SearchResults, search_terms

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS documents (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        version INTEGER NOT NULL,
        dated_at TEXT NOT NULL,
        record TEXT NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS documents_by_kind_and_date ON documents (kind, dated_at)",
    "CREATE INDEX IF NOT EXISTS documents_by_date ON documents (dated_at)",
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS documents_text
    USING fts5(title, description, keywords, tokenize = 'unicode61 remove_diacritics 2')
    """,
)

# bm25 column weights: a hit in the title (the filer's name) counts most, then codes and ids, then prose.
_RANK = "bm25(documents_text, 10.0, 1.0, 4.0)"


def match_expression(text: str) -> str | None:
    """Each word of `text` as a quoted FTS5 prefix term, all required; None when `text` has no words."""
    terms = search_terms(text)
    if not terms:
        return None
    # Words hold only letters and digits, so quoting is enough: nothing typed becomes an operator.
    return " ".join(f'"{term}"*' for term in terms)


def _has_schema(connection: sqlite3.Connection) -> bool:
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"documents", "documents_text"} <= names


def _count(connection: sqlite3.Connection, kind: str | None) -> int:
    if kind is None:
        return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    return connection.execute("SELECT count(*) FROM documents WHERE kind = ?", (kind,)).fetchone()[0]


class EmbeddedIndex:
    """SearchIndex on SQLite FTS5 in WAL mode, so one writer and many readers work at once."""

    def __init__(self, path: Path | str, busy_timeout_seconds: float = 30.0) -> None:
        self.path = Path(path)
        self.busy_timeout_seconds = busy_timeout_seconds
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    def upsert(self, document: SearchDocument) -> bool:
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                stored = self._write(connection, document)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return stored

    def get(self, document_id: str) -> SearchDocument | None:
        with self._connection() as connection:
            row = connection.execute("SELECT record FROM documents WHERE id = ?", (document_id,)).fetchone()
        return SearchDocument.from_record(json.loads(row[0])) if row else None

    def search(self, query: SearchQuery) -> SearchResults:
        if query.text is None:
            return self._newest(query)
        expression = match_expression(query.text)
        if expression is None:
            return SearchResults(documents=[], count=0)
        where = "documents_text MATCH ?"
        parameters: list[object] = [expression]
        if query.kind is not None:
            where += " AND documents.kind = ?"
            parameters.append(query.kind)
        joined = "documents_text JOIN documents ON documents.rowid = documents_text.rowid"
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT documents.record FROM {joined} WHERE {where} "  # noqa: S608 - fixed SQL, values are bound
                f"ORDER BY {_RANK}, documents.dated_at DESC, documents.id LIMIT ?",
                (*parameters, query.limit),
            ).fetchall()
            count = connection.execute(f"SELECT count(*) FROM {joined} WHERE {where}", parameters).fetchone()[0]  # noqa: S608
        return SearchResults(documents=[SearchDocument.from_record(json.loads(row[0])) for row in rows], count=count)

    def count(self, kind: str | None = None) -> int:
        with self._connection() as connection:
            return _count(connection, kind)

    def _newest(self, query: SearchQuery) -> SearchResults:
        where, parameters = ("WHERE kind = ?", [query.kind]) if query.kind is not None else ("", [])
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT record FROM documents {where} ORDER BY dated_at DESC, id LIMIT ?",  # noqa: S608
                (*parameters, query.limit),
            ).fetchall()
            count = _count(connection, query.kind)
        return SearchResults(documents=[SearchDocument.from_record(json.loads(row[0])) for row in rows], count=count)

    def _write(self, connection: sqlite3.Connection, document: SearchDocument) -> bool:
        existing = connection.execute("SELECT rowid, version FROM documents WHERE id = ?", (document.id,)).fetchone()
        if existing is not None and existing[1] > document.version:
            return False
        values = (
            document.kind,
            document.version,
            document.dated_at.astimezone(UTC).isoformat(),
            json.dumps(document.to_record()),
        )
        if existing is None:
            rowid = connection.execute(
                "INSERT INTO documents (id, kind, version, dated_at, record) VALUES (?, ?, ?, ?, ?)",
                (document.id, *values),
            ).lastrowid
        else:
            rowid = existing[0]
            connection.execute(
                "UPDATE documents SET kind = ?, version = ?, dated_at = ?, record = ? WHERE rowid = ?", (*values, rowid)
            )
            connection.execute("DELETE FROM documents_text WHERE rowid = ?", (rowid,))
        connection.execute(
            "INSERT INTO documents_text (rowid, title, description, keywords) VALUES (?, ?, ?, ?)",
            (rowid, document.title, document.description, " ".join(document.keywords)),
        )
        return True

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # A connection per operation: safe across threads and green threads, and never holds a stale snapshot.
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout_seconds, isolation_level=None)
        with closing(connection):
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_seconds * 1000)}")
            self._ensure_schema(connection)
            yield connection

    def _ensure_schema(self, connection: sqlite3.Connection) -> None:
        if self._schema_ready:
            return
        with self._schema_lock:
            if self._schema_ready:
                return
            # Readers only look: a gateway starting while the worker writes must not queue for the write lock.
            if not _has_schema(connection):
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.execute("COMMIT")
            self._schema_ready = True
