"""Loading a CAL-ACCESS export into the filings database, batch by batch.

Each batch is one transaction holding its rows, its quarantined lines, the table's checkpoint (the last line
done, the counts so far) and the `legacy_batch_imported` events telling search what changed. A run stopped
at any point resumes after its last committed batch. Each row's content hash is kept by its natural key, so
a rerun writes nothing and a newer export writes only the rows that changed; the first line of a key in export
order is the row, on every run. Keys on file that an export, read to a table's end, no longer holds are listed
as withdrawn (never deleted).

Batches are parsed and mapped (`filings.legacy.batches`) by `jobs` worker processes a few batches ahead of the
one connection that writes them in the export's order; memory holds those few batches.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import chain
from pathlib import Path
from typing import Any

import psycopg2.errors
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.db import Database
from cars_shared.events.envelope import make_event
from filings import SERVICE
from filings.legacy.batches import PreparedBatch, prepare_batch, split_lines, versions_of
from filings.legacy.copytext import (
    CALIFORNIA,
    COPY_ESCAPES,
    FILED_BY,
    FILING_COLUMNS,
    FILING_KEY,
    FILING_LINE_COLUMNS,
    FILING_LINE_KEY,
    ROW_HASH_COLUMNS,
    FilingCopy,
    copy_line,
    row_hash_line,
)
from filings.legacy.counts import TableCounts, reason_kind
from filings.legacy.mapping import UNKNOWN_FILER, MappedRow, Target, load_order, target_of
from filings.legacy.reader import TableReader, TableSource, open_export, opened
from filings.legacy.versions import VersionsOnFile
from filings.models import (
    Entity,
    Filing,
    FilingLine,
    LegacyFilerName,
    LegacyFilerXref,
    LegacyFilingPeriod,
    LegacyImportRun,
    LegacyLookupCode,
    LegacyQuarantinedRow,
    LegacyRecord,
    LegacyRowHash,
    LegacyTableCheckpoint,
)

BATCH_ROWS = 20_000
"""Lines per transaction: fewer, larger batches cost less per row; memory holds a few batches (tens of MB)."""
AHEAD = 2
"""Batches each worker process prepares ahead of the writer: enough to keep it busy, few enough to bound memory."""
AHEAD_BYTES = 48 << 20
"""Most bytes of raw lines in the batches prepared ahead (wide tables' batches weigh more once mapped)."""
PARALLEL_BYTES = 32 << 20
"""Below this much left to read, batches are prepared inline: starting worker processes (each imports the
loader anew) would cost more than they save."""
EVENT_IDS = 500
"""Most filing versions, and most entities, one legacy_batch_imported event names."""
PLACEHOLDER, FROM_FILERS = "legacy:placeholder", "legacy:FILERS_CD"
"""`created_by` of an entity a row referred to but FILERS_CD lacks (an orphan), and of one FILERS_CD lists."""

BatchListener = Callable[[str, TableCounts, int, int], None]
"""Called after each committed batch with the table, its counts so far, bytes read and the table's size."""


def _free_memory_releaser() -> Callable[[], None]:
    """glibc's malloc_trim, where the C library has it: batches are large strings, and glibc keeps what they
    freed (in the arena of the thread that received them) unless asked to give it back."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)


release_free_memory = _free_memory_releaser()
"""Called after each batch: the process's memory then stays near a few batches' worth however large the export."""


@dataclass
class LoadResult:
    run_id: str
    resumed: bool
    tables: dict[str, TableCounts]
    orphans: dict[str, int]

    def report(self, source: str) -> dict[str, Any]:
        total = TableCounts()
        for counts in self.tables.values():
            total.add(counts)
        return {
            "run_id": self.run_id,
            "source": source,
            "resumed": self.resumed,
            "reconciled": all(counts.reconciled for counts in self.tables.values()),
            "totals": total.as_dict(),
            "orphans": self.orphans,
            "tables": {name: counts.as_dict() for name, counts in self.tables.items()},
        }


@dataclass
class Piece:
    """Lines of one table read from the export, to prepare and write as one batch."""

    source: TableSource
    header: bytes | None
    """The table's header line; None when the file is empty."""
    first_line: int
    block: bytes
    """The piece's raw lines, as read."""
    last: bool
    """The table's last piece: its checkpoint is marked done with it."""
    bytes_read: int

    @property
    def size(self) -> int:
        return len(self.block)


@dataclass
class Checkpoint:
    line: int
    done: bool
    counts: TableCounts


class LegacyLoader:
    """Loads exports into one filings database."""

    def __init__(
        self,
        database: Database,
        *,
        batch_rows: int = BATCH_ROWS,
        on_batch: BatchListener | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        jobs: int = 1,
    ) -> None:
        self.database = database
        self.batch_rows = batch_rows
        self.on_batch = on_batch
        self.now = now
        self.postgres = database.is_postgres
        self.jobs = max(1, jobs)
        self._table = ""
        self.known_tables: set[str] = set()
        """Tables some of whose keys a batch of this load found on file: their batches look keys up first."""
        self.versions_on_file: VersionsOnFile | None = None
        """Taken when the first line items are written, after every filing (filings load first)."""

    def load(self, path: Path) -> LoadResult:
        """Load the export at `path` (a zip or a folder), resuming the unfinished run of the same source.

        Filers, names, cross-references and filings load first, then the other tables, which depend only on
        those; with `jobs` above 1, worker processes parse and map the batches while they are written.
        """
        source = str(path.resolve())
        self.known_tables, self.versions_on_file = set(), None
        run, resumed = self._start_run(source)
        sources = {table.name: table for table in open_export(path)}
        order = load_order(list(sources))
        checkpoints = self._checkpoints(run, order)
        tables = self._load_tables(run, [sources[name] for name in order], checkpoints)
        with self.database.session() as session:
            relax_durability(session)
            count_lines(session)
            orphans = count_orphans(session)
            result = LoadResult(run.run_id, resumed, tables, orphans)
            session.execute(
                sa.update(LegacyImportRun)
                .where(LegacyImportRun.run_id == run.run_id)
                .values(status="finished", finished_at=self.now(), report=result.report(source))
            )
        return result

    def _start_run(self, source: str) -> tuple[LegacyImportRun, bool]:
        with self.database.session() as session:
            running = session.scalars(
                sa.select(LegacyImportRun).where(LegacyImportRun.source == source, LegacyImportRun.status == "running")
            ).first()
            if running is not None:
                return running, True
            run = LegacyImportRun(run_id=str(uuid.uuid4()), source=source, status="running", started_at=self.now())
            session.add(run)
            return run, False

    def _checkpoints(self, run: LegacyImportRun, tables: list[str]) -> dict[str, Checkpoint]:
        """Where each table of the run stands, its checkpoint created when the run had none."""
        found: dict[str, Checkpoint] = {}
        with self.database.session() as session:
            for table in tables:
                checkpoint = session.get(LegacyTableCheckpoint, (run.run_id, table))
                if checkpoint is None:
                    checkpoint = LegacyTableCheckpoint(
                        run_id=run.run_id, table_name=table, line=1, done=False, counts=TableCounts().as_dict()
                    )
                    session.add(checkpoint)
                found[table] = Checkpoint(checkpoint.line, checkpoint.done, TableCounts.from_dict(checkpoint.counts))
        return found

    def _load_tables(
        self, run: LegacyImportRun, sources: list[TableSource], checkpoints: dict[str, Checkpoint]
    ) -> dict[str, TableCounts]:
        """Write every table's batches in order, each prepared inline or by a worker process ahead of time."""
        tables = {source.name: checkpoints[source.name].counts for source in sources}
        pieces = chain.from_iterable(
            self._pieces(source, checkpoints[source.name].line)
            for source in sources
            if not checkpoints[source.name].done
        )
        left = sum(source.size for source in sources if not checkpoints[source.name].done)
        if self.jobs == 1 or left < PARALLEL_BYTES:
            for piece in pieces:
                self._write(run, piece, self._prepare(run, piece), tables)
            return tables
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
        pending: deque[tuple[Piece, Future | None]] = deque()
        held = 0
        try:
            for piece in pieces:
                future = pool.submit(prepare_batch, *self._arguments(run, piece)) if piece.block else None
                pending.append((piece, future))
                held += piece.size
                while len(pending) > AHEAD * self.jobs or held > AHEAD_BYTES:
                    held -= pending[0][0].size
                    self._write_pending(run, pending.popleft(), tables)
            while pending:
                self._write_pending(run, pending.popleft(), tables)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return tables

    def _write_pending(
        self, run: LegacyImportRun, pending: tuple[Piece, Future | None], tables: dict[str, TableCounts]
    ) -> None:
        piece, future = pending
        self._write(run, piece, future.result() if future is not None else None, tables)

    def _pieces(self, source: TableSource, line: int) -> Iterator[Piece]:
        """A table's lines after its checkpoint `line`, `batch_rows` at a time (one empty piece if none)."""
        with opened(source) as stream:
            reader = TableReader(stream)
            if reader.header is None:
                yield Piece(source, None, line + 1, b"", True, reader.bytes_read)
                return
            chunks = reader.chunks(self.batch_rows, skip_to=line)
            current, read = next(chunks, None), reader.bytes_read
            if current is None:
                yield Piece(source, reader.header_raw, line + 1, b"", True, read)
                return
            while current is not None:
                following, read_next = next(chunks, None), reader.bytes_read
                block = b"".join(current[1])
                yield Piece(source, reader.header_raw, current[0], block, following is None, read)
                current, read = following, read_next

    def _arguments(self, run: LegacyImportRun, piece: Piece) -> tuple[Any, ...]:
        assert piece.header is not None
        run_id = run.run_id if self.postgres else None
        return piece.source.name, piece.header, piece.first_line, piece.block, run_id, run.started_at

    def _prepare(self, run: LegacyImportRun, piece: Piece) -> PreparedBatch | None:
        return prepare_batch(*self._arguments(run, piece)) if piece.block else None

    def _write(
        self, run: LegacyImportRun, piece: Piece, prepared: PreparedBatch | None, tables: dict[str, TableCounts]
    ) -> None:
        """Commit one piece (its batch, the table's checkpoint and events) and report progress."""
        table = piece.source.name
        counts = tables[table]
        if self.on_batch is not None and table != self._table:
            self.on_batch(table, counts, 0, piece.source.size)
        self._table = table
        if piece.header is None:
            counts.empty_file = True
        last_line = prepared.last_line if prepared is not None else piece.first_line - 1
        complete = piece.last and piece.header is not None
        tables[table] = self._commit(
            run, table, prepared, piece.block, counts, last_line, done=piece.last, complete=complete
        )
        release_free_memory()
        if self.on_batch is not None:
            self.on_batch(table, tables[table], piece.bytes_read, piece.source.size)

    def _commit(
        self,
        run: LegacyImportRun,
        table: str,
        prepared: PreparedBatch | None,
        block: bytes,
        counts: TableCounts,
        last_line: int,
        *,
        done: bool,
        complete: bool = False,
    ) -> TableCounts:
        """Write one batch, its checkpoint and its events in one transaction; the counts after it.

        With `complete` (the table's last batch, the table read to its end), the keys on file that no line of
        this run read are listed as withdrawn."""
        after = TableCounts.from_dict(counts.as_dict())
        with self.database.session() as session:
            relax_durability(session)
            if prepared is not None:
                BatchWriter(session, self, run, table, after).write(prepared, block)
            if complete:
                after.withdrawn = record_withdrawn(session, run.run_id, table)
            session.execute(
                sa.update(LegacyTableCheckpoint)
                .where(LegacyTableCheckpoint.run_id == run.run_id, LegacyTableCheckpoint.table_name == table)
                .values(line=last_line, done=done, counts=after.as_dict())
            )
        return after


class BatchWriter:
    """Writes one prepared batch of one table inside the caller's transaction."""

    def __init__(
        self, session: Session, loader: LegacyLoader, run: LegacyImportRun, table: str, counts: TableCounts
    ) -> None:
        self.session = session
        self.loader = loader
        self.run = run
        self.table = table
        self.target = target_of(table)
        self.counts = counts
        self.insert = postgresql.insert if loader.postgres else sqlite.insert
        self.filings: set[tuple[str, int]] = set()
        self.entities: set[str] = set()

    def write(self, batch: PreparedBatch, block: bytes) -> None:
        """Quarantine what cannot load, skip rows whose content is already in CARS, write the others.

        `block` holds the batch's raw lines: the bytes kept with a quarantined line."""
        counts = self.counts
        counts.add(batch.counts)
        first = batch.first_line
        raws = split_lines(block) if batch.quarantined else []
        quarantined = [self._quarantined(line, raws[line - first], reason) for line, reason in batch.quarantined]
        new: list[int] = []
        changed: list[int] = []
        seen: list[str] = []
        claimed = batch.size > 0 and self._claim_all(batch)
        known = {} if claimed or not batch.size else self._known_hashes(batch.keys)
        if claimed or not known:
            new = list(range(batch.size))
        else:
            hashes, run_id = batch.hashes, self.run.run_id
            for index, key in enumerate(batch.keys):
                before = known.get(key)
                if before is None:
                    new.append(index)
                elif before[1] == run_id:
                    # An earlier line of this export holds the key: the first in export order is the row.
                    if before[0] == hashes[index]:
                        counts.unchanged += 1
                    else:
                        raws = raws or split_lines(block)
                        quarantined.append(self._requarantined(batch, index, raws[batch.lines[index] - first]))
                elif before[0] == hashes[index]:
                    counts.unchanged += 1
                    seen.append(key)
                else:
                    changed.append(index)
        counts.changed += len(new) + len(changed)
        self._write_targets(batch, new, changed)
        if not claimed:
            self._write_hashes(batch, new, changed)
            self._mark_seen(seen)
        if quarantined:
            self.session.execute(sa.insert(LegacyQuarantinedRow), quarantined)
        self._publish(batch.first_line)

    def _claim_all(self, batch: PreparedBatch) -> bool:
        """On PostgreSQL, while a table's keys are new to CARS (a first load), every row's hash is copied as new
        without looking the keys up: a key already on file fails the copy, undone to a savepoint, and the batch
        then takes the lookup; so do the table's next batches until one finds none of its keys on file."""
        if batch.hash_copy_text is None or self.table in self.loader.known_tables:
            return False
        cursor = self._cursor()
        try:
            cursor.execute("SAVEPOINT legacy_claim")
            try:
                self._copy_text(LegacyRowHash.__tablename__, ROW_HASH_COLUMNS, batch.hash_copy_text, cursor)
            except psycopg2.errors.UniqueViolation:
                cursor.execute("ROLLBACK TO SAVEPOINT legacy_claim")
                self.loader.known_tables.add(self.table)
                return False
            cursor.execute("RELEASE SAVEPOINT legacy_claim")
            return True
        finally:
            cursor.close()

    def _quarantined(self, line: int, raw: bytes, reason: str) -> dict[str, Any]:
        return {"run_id": self.run.run_id, "table_name": self.table, "line": line, "raw": raw, "reason": reason[:500]}

    def _requarantined(self, batch: PreparedBatch, index: int, raw: bytes) -> dict[str, Any]:
        """A row whose key an earlier batch of this run wrote with other content: quarantined, not loaded."""
        counts = self.counts
        reason = "duplicate key with different content (an earlier line)"
        counts.loaded -= 1
        counts.quarantined += 1
        counts.quarantine_reasons[reason_kind(reason)] += 1
        repaired, flags = batch.notes.get(index, (False, []))
        counts.repaired -= repaired
        if flags:
            counts.flags.subtract(reason_kind(flag) for flag in flags)
            counts.flags = +counts.flags
        return self._quarantined(batch.lines[index], raw, reason)

    def _write_hashes(self, batch: PreparedBatch, new: list[int], changed: list[int]) -> None:
        keys, hashes, table, run_id = batch.keys, batch.hashes, self.table, self.run.run_id
        if self.loader.postgres:
            self._copy_text(
                LegacyRowHash.__tablename__,
                ROW_HASH_COLUMNS,
                [row_hash_line(table, keys[index], hashes[index], run_id) for index in new],
            )
        else:
            self._copy_or_insert(
                LegacyRowHash,
                [{"table_name": table, "record_key": keys[i], "row_hash": hashes[i], "run_id": run_id} for i in new],
            )
        if changed:
            values = [
                {"table_name": table, "record_key": keys[i], "row_hash": hashes[i], "run_id": run_id} for i in changed
            ]
            self._upsert(LegacyRowHash, values, ("table_name", "record_key"), ("row_hash", "run_id"))

    def _mark_seen(self, keys: list[str]) -> None:
        """Unchanged keys marked as read by this run (their hash row's `run_id`): a later line of the export
        repeating one is then a duplicate, whatever was on file, and a key no line of the run marks is withdrawn."""
        if not keys:
            return
        if self.loader.postgres:
            cursor = self._cursor()
            try:
                cursor.execute(
                    "UPDATE legacy_row_hashes SET run_id = %s WHERE table_name = %s AND record_key = ANY(%s)",
                    (self.run.run_id, self.table, keys),
                )
            finally:
                cursor.close()
            return
        for start in range(0, len(keys), 2_000):
            self.session.execute(
                sa.update(LegacyRowHash)
                .where(
                    LegacyRowHash.table_name == self.table,
                    LegacyRowHash.record_key.in_(keys[start : start + 2_000]),
                )
                .values(run_id=self.run.run_id)
            )

    def _known_hashes(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """The content hash and run of the keys already on file; a table none of whose keys are is new again."""
        found = self._hashes_on_file(keys)
        if not found:
            self.loader.known_tables.discard(self.table)
        return found

    def _hashes_on_file(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        if self.loader.postgres:
            # One array parameter for the whole batch: no statement with thousands of bound values to compile.
            cursor = self._cursor()
            try:
                cursor.execute(
                    "SELECT record_key, row_hash, run_id FROM legacy_row_hashes "
                    "WHERE table_name = %s AND record_key = ANY(%s)",
                    (self.table, keys),
                )
                return {key: (content, run_id) for key, content, run_id in cursor.fetchall()}
            finally:
                cursor.close()
        for start in range(0, len(keys), 2_000):
            rows = self.session.execute(
                sa.select(LegacyRowHash.record_key, LegacyRowHash.row_hash, LegacyRowHash.run_id).where(
                    LegacyRowHash.table_name == self.table,
                    LegacyRowHash.record_key.in_(keys[start : start + 2_000]),
                )
            )
            found.update((key, (content, run_id)) for key, content, run_id in rows)
        return found

    def _write_targets(self, batch: PreparedBatch, new: list[int], changed: list[int]) -> None:
        if not new and not changed:
            return
        target, records = self.target, batch.records
        if target is Target.LINE:
            if len(new) + len(changed) == batch.size:
                self.filings.update(batch.versions)
            else:
                self.filings.update(versions_of([batch.keys[index] for index in chain(new, changed)]))
            if batch.copy_text is not None:
                if len(new) == batch.size:
                    self._copy_text(FilingLine.__tablename__, FILING_LINE_COLUMNS, batch.copy_text)
                else:
                    text = batch.copy_lines
                    self._copy_text(FilingLine.__tablename__, FILING_LINE_COLUMNS, [text[index] for index in new])
                if changed:
                    lines = [batch.copy_lines[index] for index in changed]
                    self._merge_text(FilingLine.__tablename__, FILING_LINE_COLUMNS, lines, FILING_LINE_KEY, ("data",))
            else:
                self._copy_or_insert(FilingLine, [line_values(records[index]) for index in new])
                self._upsert(FilingLine, [line_values(records[index]) for index in changed], FILING_LINE_KEY, ("data",))
            return
        rows: list[MappedRow] = [records[index] for index in chain(new, changed)]
        if target is Target.ENTITY:
            ids = [row.values["entity_id"] for row in rows]
            values = [self._entity_values(entity_id, FROM_FILERS) for entity_id in ids]
            self._upsert(Entity, values, ("entity_id",), ("created_by",))
            self.entities.update(ids)
        elif target is Target.FILER_NAME:
            ids = sorted({row.values["filer_id"] for row in rows})
            self._ensure_entities(ids)
            values = [{**row.values, "record_key": row.key, "run_id": self.run.run_id} for row in rows]
            self._upsert(LegacyFilerName, values, ("record_key",), tuple(values[0].keys() - {"record_key"}))
            self._refresh_entity_names(ids)
            self.entities.update(ids)
        elif target is Target.FILER_XREF:
            values = [row.values for row in rows]
            self._upsert(LegacyFilerXref, values, ("filer_id", "xref_id"), ("data",))
        elif target in (Target.FILING, Target.COVER) and self.loader.postgres:
            copies: list[FilingCopy] = rows  # type: ignore[assignment]
            if target is Target.COVER:
                copies = self._copies_through_cross_references(copies)
            self._ensure_entities(sorted({copy.entity_id for copy in copies}))
            dated = [copy.line for copy in copies if copy.dated]
            undated = [copy.line for copy in copies if not copy.dated]
            self._merge_filings(target, dated, undated)
            self.filings.update((copy.filing_id, copy.amendment) for copy in copies)
        elif target in (Target.FILING, Target.COVER):
            if target is Target.COVER:
                rows = self._through_cross_references(rows)
            self._ensure_entities(sorted({row.values["entity_id"] for row in rows}))
            self._upsert_filings(target, rows)
            self.filings.update((row.values["filing_id"], row.values["amendment"]) for row in rows)
        elif target is Target.LOOKUP_CODE:
            values = [row.values for row in rows]
            self._upsert(LegacyLookupCode, values, ("code_type", "code_id"), ("description",))
        elif target is Target.FILING_PERIOD:
            values = [row.values for row in rows]
            self._upsert(LegacyFilingPeriod, values, ("period_id",), tuple(values[0].keys() - {"period_id"}))
        else:
            values = [row.values for row in rows]
            self._upsert(LegacyRecord, values, ("table_name", "record_key"), ("data",))

    def _upsert(
        self,
        model: type,
        values: list[dict[str, Any]],
        keys: Sequence[str],
        update: Iterable[str],
        expressions: dict[str, str] | None = None,
    ) -> None:
        """Insert rows, updating the `update` columns of those whose `keys` exist.

        On PostgreSQL the rows are copied into a temporary table and merged in one statement (row-by-row
        statements cost about ten times more); `expressions` then replaces `excluded.<column>` for some columns.
        """
        if not values:
            return
        if self.loader.postgres:
            self._merge_postgres(model.__tablename__, values, keys, update, expressions or {})
            return
        statement = self.insert(model.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
        )
        self.session.execute(statement, values)

    def _merge_postgres(
        self,
        table: str,
        values: list[dict[str, Any]],
        keys: Sequence[str],
        update: Iterable[str],
        expressions: dict[str, str],
    ) -> None:
        lines = [copy_line(row) for row in values]
        self._merge_text(table, list(values[0]), lines, keys, update, expressions)

    def _merge_text(
        self,
        table: str,
        columns: Sequence[str],
        lines: list[str],
        keys: Sequence[str],
        update: Iterable[str],
        expressions: dict[str, str] | None = None,
    ) -> None:
        """Rows in COPY text format copied into an unindexed temporary table, then merged in one statement."""
        expressions = expressions or {}
        staged = f"legacy_staged_{table}"
        self.session.execute(
            sa.text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staged} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        )
        self._copy_text(staged, columns, lines)
        columns = ", ".join(columns)
        assignments = ", ".join(f"{column} = {expressions.get(column, f'excluded.{column}')}" for column in update)
        # Table and column names come from the models; values travel by COPY, never inside the statement.
        merge = (
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staged} "  # noqa: S608
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments}"
        )
        self.session.execute(sa.text(merge))
        self.session.execute(sa.text(f"TRUNCATE {staged}"))

    def _copy(self, table: str, values: list[dict[str, Any]]) -> None:
        self._copy_text(table, list(values[0]), [copy_line(row) for row in values])

    def _cursor(self) -> Any:
        """A DB-API cursor on the session's connection (inside its transaction)."""
        return self.session.connection().connection.dbapi_connection.cursor()

    def _copy_text(self, table: str, columns: Sequence[str], lines: str | list[str], cursor: Any = None) -> None:
        """COPY rows already in COPY text format (one text, or one string per row) into `table`."""
        if not lines:
            return
        own = cursor is None
        cursor = self._cursor() if own else cursor
        try:
            text = TextReader(lines if isinstance(lines, str) else "".join(lines))
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", text, size=COPY_CHUNK)
        finally:
            if own:
                cursor.close()

    def _copy_or_insert(self, model: type, values: list[dict[str, Any]]) -> None:
        """Rows known to be new: COPY on PostgreSQL (the bulk of a first load), a multi-row INSERT elsewhere."""
        if not values:
            return
        if self.loader.postgres:
            self._copy(model.__tablename__, values)
        else:
            self.session.execute(sa.insert(model.__table__), values)

    def _entity_values(self, entity_id: str, created_by: str) -> dict[str, Any]:
        started = self.run.started_at
        name = "Unknown CAL-ACCESS filer" if entity_id == UNKNOWN_FILER else f"CAL-ACCESS filer {entity_id}"
        return {
            "entity_id": entity_id,
            "name": name,
            "entity_type": "unknown",
            "status": "unknown",
            "space": "production",
            "legacy": True,
            "registered_on": started.date(),
            "created_by": created_by,
            "created_at": started,
        }

    def _through_cross_references(self, rows: list[MappedRow]) -> list[MappedRow]:
        """Cover rows name their filer by a cross-reference ID (FILER_XREF_CD.XREF_ID) where one matches."""
        filers = self._filers_by_cross_reference({row.values["entity_id"] for row in rows})
        resolved = []
        for row in rows:
            filer_id = filers.get(row.values["entity_id"])
            if filer_id is not None:
                row = MappedRow(row.key, row.target, {**row.values, "entity_id": filer_id})
            resolved.append(row)
        return resolved

    def _copies_through_cross_references(self, copies: list[FilingCopy]) -> list[FilingCopy]:
        """`_through_cross_references` for filings rows already in COPY text: their entity field rewritten."""
        filers = self._filers_by_cross_reference({copy.entity_id for copy in copies})
        if not filers:
            return copies
        resolved = []
        for copy in copies:
            filer_id = filers.get(copy.entity_id)
            if filer_id is not None:
                filing_id, amendment, _, rest = copy.line.split("\t", 3)
                line = "\t".join((filing_id, amendment, filer_id.translate(COPY_ESCAPES), rest))
                copy = copy._replace(entity_id=filer_id, line=line)
            resolved.append(copy)
        return resolved

    def _filers_by_cross_reference(self, ids: set[str]) -> dict[str, str]:
        """The filer each of these IDs is the one cross-reference ID of (FILER_XREF_CD), for those that are."""
        ordered = sorted(ids)
        filers: dict[str, set[str]] = {}
        for start in range(0, len(ordered), 2_000):
            found = self.session.execute(
                sa.select(LegacyFilerXref.xref_id, LegacyFilerXref.filer_id).where(
                    LegacyFilerXref.xref_id.in_(ordered[start : start + 2_000])
                )
            )
            for xref_id, filer_id in found:
                filers.setdefault(xref_id, set()).add(filer_id)
        return {xref_id: next(iter(found)) for xref_id, found in filers.items() if len(found) == 1}

    def _ensure_entities(self, ids: list[str]) -> None:
        """Placeholder entities for filers a row names but FILERS_CD lacks: the row is kept, the orphan counted."""
        existing: set[str] = set()
        for start in range(0, len(ids), 2_000):
            chunk = ids[start : start + 2_000]
            existing.update(self.session.scalars(sa.select(Entity.entity_id).where(Entity.entity_id.in_(chunk))))
        missing = [entity_id for entity_id in ids if entity_id not in existing]
        if missing:
            self.session.execute(sa.insert(Entity.__table__), [self._entity_values(i, PLACEHOLDER) for i in missing])
            self.entities.update(missing)

    def _refresh_entity_names(self, ids: list[str]) -> None:
        """Each entity takes the name, type and status of its latest FILERNAME_CD row (by effective date)."""
        names = LegacyFilerName.__table__.c

        def latest(column: sa.Column) -> sa.ScalarSelect:
            return (
                sa.select(column)
                .where(names.filer_id == Entity.__table__.c.entity_id)
                .order_by(names.effective.desc().nulls_last(), names.record_key)
                .limit(1)
                .scalar_subquery()
            )

        earliest = sa.select(sa.func.min(names.effective)).where(names.filer_id == Entity.__table__.c.entity_id)
        for start in range(0, len(ids), 2_000):
            self.session.execute(
                sa.update(Entity.__table__)
                .where(Entity.__table__.c.entity_id.in_(ids[start : start + 2_000]), Entity.__table__.c.legacy)
                .values(
                    name=latest(names.name),
                    entity_type=latest(names.entity_type),
                    status=latest(names.status),
                    registered_on=sa.func.coalesce(
                        self._as_date(sa.func.substr(earliest.scalar_subquery(), 1, 10)),
                        Entity.__table__.c.registered_on,
                    ),
                )
            )

    def _as_date(self, text: Any) -> Any:
        """An ISO date text as a date: PostgreSQL converts it, SQLite stores dates as that text already."""
        return sa.cast(text, sa.Date) if self.loader.postgres else sa.type_coerce(text, sa.Date)

    def _merge_filings(self, target: Target, dated: list[str], undated: list[str]) -> None:
        """On PostgreSQL, filings rows in COPY text merged into the versions on file: records are added to theirs,
        and FILER_FILINGS_CD sets the version's filer, form, period and (when known) filing date."""
        for lines, has_date in ((dated, True), (undated, False)):
            if not lines:
                continue
            update = ["records"]
            expressions = {"records": "(filings.records::jsonb || excluded.records::jsonb)::json"}
            if target is Target.FILING:
                update += ["entity_id", "form", "period_start", "period_end"] + (["filed_at"] if has_date else [])
                expressions |= {
                    "period_start": "coalesce(excluded.period_start, filings.period_start)",
                    "period_end": "coalesce(excluded.period_end, filings.period_end)",
                }
            self._merge_text(Filing.__tablename__, FILING_COLUMNS, lines, FILING_KEY, update, expressions)

    def _upsert_filings(self, target: Target, rows: list[MappedRow]) -> None:
        """Elsewhere than PostgreSQL, filings rows inserted or merged as `_merge_filings` does."""
        table = Filing.__table__
        dated: list[Any] = []
        undated: list[Any] = []
        for row in rows:
            (dated if row.values["filed_at"] else undated).append(filing_values(row, self.run.started_at))
        for values, has_date in ((dated, True), (undated, False)):
            if not values:
                continue
            statement = self.insert(table)
            excluded = statement.excluded
            update: dict[str, Any] = {"records": self._merged_records(table.c.records, excluded.records)}
            if target is Target.FILING:
                update |= {
                    "entity_id": excluded.entity_id,
                    "form": excluded.form,
                    "period_start": sa.func.coalesce(excluded.period_start, table.c.period_start),
                    "period_end": sa.func.coalesce(excluded.period_end, table.c.period_end),
                }
                if has_date:
                    update["filed_at"] = excluded.filed_at
            statement = statement.on_conflict_do_update(index_elements=["filing_id", "amendment"], set_=update)
            self.session.execute(statement, values)

    @staticmethod
    def _merged_records(current: Any, incoming: Any) -> Any:
        return sa.func.json_patch(current, incoming)

    def _existing_versions(self, versions: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """The filing versions on file among those lines were written for (an orphan line's filing is not)."""
        found: set[tuple[str, int]] = set()
        if self.loader.postgres:
            if self.loader.versions_on_file is None:
                connection = self.session.connection().connection.dbapi_connection
                self.loader.versions_on_file = VersionsOnFile.read(connection)
            on_file, versions = self.loader.versions_on_file.split(versions)
            if not versions:
                return on_file
            found.update(on_file)
            cursor = self._cursor()
            try:
                # One index probe per version (LIMIT keeps the planner from scanning all filings to hash them).
                cursor.execute(
                    "SELECT v.filing_id, v.amendment FROM unnest(%s::text[], %s::int[]) AS v (filing_id, amendment) "
                    "CROSS JOIN LATERAL (SELECT FROM filings AS f "
                    "WHERE f.filing_id = v.filing_id AND f.amendment = v.amendment LIMIT 1) AS found",
                    ([filing_id for filing_id, _ in versions], [amendment for _, amendment in versions]),
                )
                found.update((filing_id, amendment) for filing_id, amendment in cursor.fetchall())
            finally:
                cursor.close()
            return sorted(found)
        key = sa.tuple_(Filing.filing_id, Filing.amendment)
        for start in range(0, len(versions), 500):
            chunk = versions[start : start + 500]
            rows = self.session.execute(sa.select(Filing.filing_id, Filing.amendment).where(key.in_(chunk)))
            found.update((filing_id, amendment) for filing_id, amendment in rows)
        return [version for version in versions if version in found]

    def _publish(self, first_line: int) -> None:
        """legacy_batch_imported events naming what this batch changed, at most EVENT_IDS of each kind per event."""
        versions = sorted(self.filings)
        if self.target is Target.LINE and versions:
            versions = self._existing_versions(versions)
        filings = [{"filing_id": f, "amendment": a} for f, a in versions]
        entities = sorted(self.entities)
        events = []
        for number, start in enumerate(range(0, max(len(filings), len(entities)), EVENT_IDS)):
            payload = {
                "batch_id": f"{self.run.run_id}:{self.table}:{first_line}:{number}",
                "filing_ids": filings[start : start + EVENT_IDS],
                "entity_ids": entities[start : start + EVENT_IDS],
            }
            events.append(make_event(SERVICE, "legacy_batch_imported", payload))
        outbox.add_all(self.session, events)


COPY_CHUNK = 1 << 18
"""Characters handed to COPY per read (psycopg2 reads 8 KiB at a time by default)."""


class TextReader:
    """A text read in slices, as COPY reads a file: no copy of the whole text (io.StringIO makes one four times
    its size)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def read(self, size: int = -1) -> str:
        start = self.position
        end = len(self.text) if size < 0 else start + size
        self.position = min(end, len(self.text))
        return self.text[start:end]

    def readline(self, size: int = -1) -> str:
        return self.read(size)


def line_values(row: MappedRow) -> dict[str, Any]:
    values = row.values
    return {
        "filing_id": values["filing_id"],
        "amendment": values["amendment"],
        "part": values["part"],
        "line": values["line"],
        "data": values["data"],
    }


def filing_values(row: MappedRow, migrated_at: datetime) -> dict[str, Any]:
    """A filings row for a FILER_FILINGS_CD or cover row; an unknown filing date becomes the migration's time."""
    values = row.values
    data = values["data"]
    if values["filed_at"]:
        filed_at = datetime.combine(date.fromisoformat(values["filed_at"]), time(12), CALIFORNIA).astimezone(UTC)
    else:
        filed_at = migrated_at
        data = {**data, "legacy_flags": [*data.get("legacy_flags", []), "filed_at: no filing date; migration time"]}
    return {
        "filing_id": values["filing_id"],
        "amendment": values["amendment"],
        "entity_id": values["entity_id"],
        "form": values["form"],
        "period_start": date.fromisoformat(values["period_start"]) if values["period_start"] else None,
        "period_end": date.fromisoformat(values["period_end"]) if values["period_end"] else None,
        "space": "production",
        "status": "accepted",
        "filed_at": filed_at,
        "filed_by": FILED_BY,
        "records": {values["record"]: data},
        "line_counts": {},
        "totals": {},
        "warnings": [],
        "source": "legacy",
    }


LINE_COUNTS_POSTGRES = (
    # Counted by reading the table through (in parallel where PostgreSQL can), not its key index: freshly
    # loaded pages are not yet marked all-visible, so an index-only scan would visit the heap row by row.
    "SET LOCAL enable_indexscan = off",
    "SET LOCAL enable_indexonlyscan = off",
    "SET LOCAL enable_bitmapscan = off",
    """CREATE TEMPORARY TABLE legacy_line_counts ON COMMIT DROP AS
    SELECT filing_id, amendment, json_object_agg(part, lines) AS parts
    FROM (SELECT filing_id, amendment, part, count(*) AS lines FROM filing_lines GROUP BY 1, 2, 3) AS per_part
    GROUP BY filing_id, amendment""",
    "SET LOCAL enable_indexscan = on",
    "SET LOCAL enable_indexonlyscan = on",
    "SET LOCAL enable_bitmapscan = on",
    """UPDATE filings SET line_counts = counted.parts FROM legacy_line_counts AS counted
    WHERE filings.filing_id = counted.filing_id AND filings.amendment = counted.amendment
      AND filings.source = 'legacy' AND filings.line_counts::jsonb IS DISTINCT FROM counted.parts::jsonb""",
)
LINE_COUNTS_SQLITE = """
UPDATE filings SET line_counts = counted.parts
FROM (
    SELECT filing_id, amendment, json_group_object(part, lines) AS parts
    FROM (SELECT filing_id, amendment, part, count(*) AS lines FROM filing_lines GROUP BY 1, 2, 3)
    GROUP BY filing_id, amendment
) AS counted
WHERE filings.filing_id = counted.filing_id AND filings.amendment = counted.amendment
  AND filings.source = 'legacy' AND json(filings.line_counts) IS NOT counted.parts
"""


def count_lines(session: Session) -> None:
    """Each migrated filing version's line counts per part, written where they changed (views list parts by them)."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(sa.text(LINE_COUNTS_SQLITE))
        return
    for statement in LINE_COUNTS_POSTGRES:
        session.execute(sa.text(statement))


def count_orphans(session: Session) -> dict[str, int]:
    """Rows kept though what they refer to is absent: filers named but not listed, lines without their filing."""
    lines, filings = FilingLine.__table__.c, Filing.__table__.c
    placeholders = session.scalar(sa.select(sa.func.count()).where(Entity.created_by == PLACEHOLDER))
    orphan_lines = session.scalar(
        sa.select(sa.func.count())
        .select_from(FilingLine.__table__)
        .where(
            ~sa.exists().where(filings.filing_id == lines.filing_id, filings.amendment == lines.amendment),
        )
    )
    return {"filers_referenced_but_not_listed": placeholders or 0, "line_items_without_filing": orphan_lines or 0}


WITHDRAWN = sa.text(
    "INSERT INTO legacy_withdrawn_keys (run_id, table_name, record_key, row_hash, last_run_id) "
    "SELECT :run_id, table_name, record_key, row_hash, run_id FROM legacy_row_hashes "
    "WHERE table_name = :table AND run_id <> :run_id"
)


def record_withdrawn(session: Session, run_id: str, table: str) -> int:
    """List the table's keys on file that this run did not read (every key a line of the run holds is marked
    with the run in legacy_row_hashes): an export is a full snapshot, so the source withdrew them. Nothing is
    deleted; how many there are."""
    return session.execute(WITHDRAWN, {"run_id": run_id, "table": table}).rowcount or 0


def relax_durability(session: Session) -> None:
    """Commit without waiting for the disk: a crash loses at most the last batches, whose checkpoint goes too.

    The batch, its checkpoint and its events commit together, so a resumed run simply loads them again. On
    PostgreSQL only: SQLite cannot change its synchronous setting inside the transaction every session opens.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
