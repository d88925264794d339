"""Loading a CAL-ACCESS export into the filings database, batch by batch.

Each batch is one transaction holding its rows, its quarantined lines, the table's checkpoint (the last line
done, the counts so far) and the `legacy_batch_imported` events telling search what changed. A run stopped
at any point resumes after its last committed batch. Each row's content hash is kept by its natural key, so
a rerun writes nothing and a newer export writes only the rows that changed. Memory holds one batch.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.db import Database
from cars_shared.events.envelope import make_event
from filings import SERVICE
from filings.legacy.counts import TableCounts, reason_kind
from filings.legacy.mapping import (
    LOAD_ORDER,
    UNKNOWN_FILER,
    LinePlace,
    MappedRow,
    TableMapping,
    Target,
    Unmappable,
    load_order,
    row_hash,
)
from filings.legacy.reader import LegacyRow, QuarantinedRow, TableReader, TableSource, open_export, opened
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
"""Lines per transaction: fewer, larger batches cost less per row; memory holds one batch (a few tens of MB)."""
EVENT_IDS = 500
"""Most filing versions, and most entities, one legacy_batch_imported event names."""
FILED_BY = "legacy:CAL-ACCESS"
PLACEHOLDER, FROM_FILERS = "legacy:placeholder", "legacy:FILERS_CD"
"""`created_by` of an entity a row referred to but FILERS_CD lacks (an orphan), and of one FILERS_CD lists."""
CALIFORNIA = ZoneInfo("America/Los_Angeles")

BatchListener = Callable[[str, TableCounts, int, int], None]
"""Called after each committed batch with the table, its counts so far, bytes read and the table's size."""


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
        self.jobs = jobs if self.postgres else 1

    def load(self, path: Path) -> LoadResult:
        """Load the export at `path` (a zip or a folder), resuming the unfinished run of the same source.

        Filers, names, cross-references and filings load first, one table at a time; with `jobs` above 1 (on
        PostgreSQL) the other tables, which depend only on those, then load side by side in worker processes.
        """
        source = str(path.resolve())
        run, resumed = self._start_run(source)
        sources = {table.name: table for table in open_export(path)}
        tables: dict[str, TableCounts] = {}
        order = load_order(list(sources))
        first = [name for name in order if name in LOAD_ORDER]
        for name in first:
            tables[name] = self.load_table(run, sources[name])
        rest = [name for name in order if name not in LOAD_ORDER]
        if self.jobs > 1 and len(rest) > 1:
            tables |= self._load_side_by_side(path, run, [sources[name] for name in rest])
        else:
            for name in rest:
                tables[name] = self.load_table(run, sources[name])
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

    def _load_side_by_side(
        self, path: Path, run: LegacyImportRun, sources: list[TableSource]
    ) -> dict[str, TableCounts]:
        """Tables loaded by `jobs` worker processes, the largest first; progress is read from their checkpoints."""
        pending = sorted(sources, key=lambda source: -source.size)
        total = sum(source.size for source in sources)
        counts: dict[str, TableCounts] = {}
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=context) as pool:
            futures = {
                pool.submit(
                    load_table_in_process,
                    self.database.url,
                    path,
                    run.run_id,
                    run.started_at,
                    source.name,
                    self.batch_rows,
                ): source
                for source in pending
            }
            done_bytes = 0
            waiting = set(futures)
            while waiting:
                finished, waiting = wait(waiting, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in finished:
                    source = futures[future]
                    counts[source.name] = TableCounts.from_dict(future.result())
                    done_bytes += source.size
                if self.on_batch is not None:
                    self.on_batch(
                        f"{len(sources)} tables side by side",
                        self._running_counts(run, [s.name for s in sources]),
                        done_bytes,
                        total,
                    )
        return counts

    def _running_counts(self, run: LegacyImportRun, names: list[str]) -> TableCounts:
        total = TableCounts()
        with self.database.session() as session:
            for data in session.scalars(
                sa.select(LegacyTableCheckpoint.counts).where(
                    LegacyTableCheckpoint.run_id == run.run_id, LegacyTableCheckpoint.table_name.in_(names)
                )
            ):
                total.add(TableCounts.from_dict(data))
        return total

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

    def load_table(self, run: LegacyImportRun, source: TableSource) -> TableCounts:
        """Load one table of a run from its checkpoint on, batch by batch; its counts when done."""
        with self.database.session() as session:
            checkpoint = session.get(LegacyTableCheckpoint, (run.run_id, source.name))
            if checkpoint is None:
                checkpoint = LegacyTableCheckpoint(
                    run_id=run.run_id, table_name=source.name, line=1, done=False, counts=TableCounts().as_dict()
                )
                session.add(checkpoint)
            line, done, counts = checkpoint.line, checkpoint.done, TableCounts.from_dict(checkpoint.counts)
        if done:
            return counts
        with opened(source) as stream:
            reader = TableReader(stream)
            if reader.header is None:
                counts.empty_file = True
                self._commit(run, source.name, None, [], counts, line, done=True)
                return counts
            mapping = TableMapping(source.name, reader.header.columns)
            if self.on_batch is not None:
                self.on_batch(source.name, counts, reader.bytes_read, source.size)
            batch: list[LegacyRow | QuarantinedRow] = []
            for item in reader.rows(skip_to=line):
                batch.append(item)
                if len(batch) >= self.batch_rows:
                    counts = self._commit(run, source.name, mapping, batch, counts, batch[-1].line, done=False)
                    line, batch = batch[-1].line, []
                    if self.on_batch is not None:
                        self.on_batch(source.name, counts, reader.bytes_read, source.size)
            last_line = batch[-1].line if batch else line
            counts = self._commit(run, source.name, mapping, batch, counts, last_line, done=True)
            if self.on_batch is not None:
                self.on_batch(source.name, counts, reader.bytes_read, source.size)
        return counts

    def _commit(
        self,
        run: LegacyImportRun,
        table: str,
        mapping: TableMapping | None,
        batch: Sequence[LegacyRow | QuarantinedRow],
        counts: TableCounts,
        last_line: int,
        *,
        done: bool,
    ) -> TableCounts:
        """Write one batch, its checkpoint and its events in one transaction; the counts after it."""
        after = TableCounts.from_dict(counts.as_dict())
        with self.database.session() as session:
            relax_durability(session)
            if mapping is not None and batch:
                BatchWriter(session, self, run, table, mapping, after).write(batch)
            session.execute(
                sa.update(LegacyTableCheckpoint)
                .where(LegacyTableCheckpoint.run_id == run.run_id, LegacyTableCheckpoint.table_name == table)
                .values(line=last_line, done=done, counts=after.as_dict())
            )
        return after


def load_table_in_process(
    url: str, path: Path, run_id: str, started_at: datetime, table: str, batch_rows: int
) -> dict[str, Any]:
    """In a worker process: load one table of a run and answer its counts."""
    database = Database(url)
    try:
        run = LegacyImportRun(run_id=run_id, started_at=started_at, source=str(path), status="running")
        source = next(source for source in open_export(path) if source.name == table)
        return LegacyLoader(database, batch_rows=batch_rows).load_table(run, source).as_dict()
    finally:
        database.dispose()


class BatchWriter:
    """Writes one batch of one table inside the caller's transaction."""

    def __init__(
        self,
        session: Session,
        loader: LegacyLoader,
        run: LegacyImportRun,
        table: str,
        mapping: TableMapping,
        counts: TableCounts,
    ) -> None:
        self.session = session
        self.loader = loader
        self.run = run
        self.table = table
        self.mapping = mapping
        self.counts = counts
        self.insert = postgresql.insert if loader.postgres else sqlite.insert
        self.filings: set[tuple[str, int]] = set()
        self.entities: set[str] = set()

    def write(self, batch: Sequence[LegacyRow | QuarantinedRow]) -> None:
        """Quarantine what cannot load, skip rows whose content is already in CARS, write the others."""
        quarantined: list[dict[str, Any]] = []
        keyed: dict[str, tuple[LegacyRow, MappedRow | LinePlace | None, str]] = {}
        for item in batch:
            self.counts.rows_read += 1
            if isinstance(item, QuarantinedRow):
                quarantined.append(self._quarantine(item.line, item.raw, item.reason))
                continue
            try:
                key, row = self.mapping.key(item)
            except Unmappable as problem:
                quarantined.append(self._quarantine(item.line, item.raw, str(problem)))
                continue
            content = row_hash(item.raw)
            if key in keyed:
                first = keyed[key][0]
                if keyed[key][2] == content:
                    # A line repeated byte for byte adds nothing: it is loaded as the record already there.
                    self._count_loaded(item)
                    self.counts.unchanged += 1
                else:
                    reason = f"duplicate key with different content (first at line {first.line})"
                    quarantined.append(self._quarantine(item.line, item.raw, reason))
                continue
            keyed[key] = (item, row, content)
        known = self._known_hashes(list(keyed))
        new: list[MappedRow] = []
        changed: list[MappedRow] = []
        hashes_new: list[dict[str, str]] = []
        hashes_changed: list[dict[str, str]] = []
        for key, (item, row, content) in keyed.items():
            before = known.get(key)
            if before is not None and before[1] == self.run.run_id and before[0] != content:
                reason = "duplicate key with different content (an earlier line)"
                quarantined.append(self._quarantine(item.line, item.raw, reason))
                continue
            self._count_loaded(item)
            if before is not None and before[0] == content:
                self.counts.unchanged += 1
                continue
            # Only rows to write are mapped in full: an unchanged row costs its key and its hash.
            row = self.mapping.map(item, row)
            record = {"table_name": self.table, "record_key": key, "row_hash": content, "run_id": self.run.run_id}
            if before is None:
                new.append(row)
                hashes_new.append(record)
            else:
                changed.append(row)
                hashes_changed.append(record)
        self.counts.changed += len(new) + len(changed)
        self._write_targets(self.mapping.target, new, changed)
        if self.loader.postgres and hashes_new:
            table, run_id = self.table, self.run.run_id
            self._copy_text(
                LegacyRowHash.__tablename__,
                ("table_name", "record_key", "row_hash", "run_id"),
                [
                    f"{table}\t{h['record_key'].translate(COPY_ESCAPES)}\t{h['row_hash']}\t{run_id}\n"
                    for h in hashes_new
                ],  # fmt: skip
            )
        else:
            self._copy_or_insert(LegacyRowHash, hashes_new)
        if hashes_changed:
            self._upsert(LegacyRowHash, hashes_changed, ("table_name", "record_key"), ("row_hash", "run_id"))
        if quarantined:
            self.session.execute(sa.insert(LegacyQuarantinedRow), quarantined)
        self._publish(batch[0].line)

    def _count_loaded(self, item: LegacyRow) -> None:
        counts = self.counts
        counts.loaded += 1
        if item.repaired:
            counts.repaired += 1
        if item.flags:
            counts.flags.update(reason_kind(flag) for flag in item.flags)

    def _quarantine(self, line: int, raw: bytes, reason: str) -> dict[str, Any]:
        self.counts.quarantined += 1
        self.counts.quarantine_reasons[reason_kind(reason)] += 1
        return {"run_id": self.run.run_id, "table_name": self.table, "line": line, "raw": raw, "reason": reason[:500]}

    def _known_hashes(self, keys: list[str]) -> dict[str, tuple[str, str]]:
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

    def _write_targets(self, target: Target, new: list[MappedRow], changed: list[MappedRow]) -> None:
        rows = new + changed
        if not rows:
            return
        if target is Target.LINE:
            if self.loader.postgres:
                self._copy_text(FilingLine.__tablename__, FILING_LINE_COLUMNS, [line_copy_text(row) for row in new])
            else:
                self._copy_or_insert(FilingLine, [line_values(row) for row in new])
            self._upsert(FilingLine, [line_values(row) for row in changed], FILING_LINE_KEY, ("data",))
            self.filings.update((row.values["filing_id"], row.values["amendment"]) for row in rows)
        elif target is Target.ENTITY:
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
        staged = f"legacy_staged_{table}"
        columns = ", ".join(values[0])
        self.session.execute(
            sa.text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staged} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        )
        self._copy(staged, values)
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

    def _copy_text(self, table: str, columns: Sequence[str], lines: list[str]) -> None:
        """COPY lines already in COPY text format into `table`."""
        if not lines:
            return
        cursor = self._cursor()
        try:
            text = io.StringIO("".join(lines))
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", text, size=COPY_CHUNK)
        finally:
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
        ids = sorted({row.values["entity_id"] for row in rows})
        filers: dict[str, set[str]] = {}
        for start in range(0, len(ids), 2_000):
            found = self.session.execute(
                sa.select(LegacyFilerXref.xref_id, LegacyFilerXref.filer_id).where(
                    LegacyFilerXref.xref_id.in_(ids[start : start + 2_000])
                )
            )
            for xref_id, filer_id in found:
                filers.setdefault(xref_id, set()).add(filer_id)
        resolved = []
        for row in rows:
            matches = filers.get(row.values["entity_id"], set())
            if len(matches) == 1:
                row = MappedRow(row.key, row.target, {**row.values, "entity_id": next(iter(matches))})
            resolved.append(row)
        return resolved

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

    def _upsert_filings(self, target: Target, rows: list[MappedRow]) -> None:
        table = Filing.__table__
        dated, undated = [], []
        for row in rows:
            values = filing_values(row, self.run.started_at)
            (dated if row.values["filed_at"] else undated).append(values)
        for values, has_date in ((dated, True), (undated, False)):
            if not values:
                continue
            if self.loader.postgres:
                update = ["records"]
                expressions = {"records": "(filings.records::jsonb || excluded.records::jsonb)::json"}
                if target is Target.FILING:
                    update += ["entity_id", "form", "period_start", "period_end"] + (["filed_at"] if has_date else [])
                    expressions |= {
                        "period_start": "coalesce(excluded.period_start, filings.period_start)",
                        "period_end": "coalesce(excluded.period_end, filings.period_end)",
                    }
                self._upsert(Filing, values, ("filing_id", "amendment"), update, expressions)
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
            cursor = self._cursor()
            try:
                cursor.execute(
                    "SELECT f.filing_id, f.amendment FROM filings AS f "
                    "JOIN unnest(%s::text[], %s::int[]) AS v (filing_id, amendment) "
                    "ON f.filing_id = v.filing_id AND f.amendment = v.amendment",
                    ([filing_id for filing_id, _ in versions], [amendment for _, amendment in versions]),
                )
                found.update((filing_id, amendment) for filing_id, amendment in cursor.fetchall())
            finally:
                cursor.close()
            return [version for version in versions if version in found]
        key = sa.tuple_(Filing.filing_id, Filing.amendment)
        for start in range(0, len(versions), 500):
            chunk = versions[start : start + 500]
            rows = self.session.execute(sa.select(Filing.filing_id, Filing.amendment).where(key.in_(chunk)))
            found.update((filing_id, amendment) for filing_id, amendment in rows)
        return [version for version in versions if version in found]

    def _publish(self, first_line: int) -> None:
        """legacy_batch_imported events naming what this batch changed, at most EVENT_IDS of each kind per event."""
        versions = sorted(self.filings)
        if self.mapping.target is Target.LINE and versions:
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
FILING_LINE_KEY = ("filing_id", "amendment", "part", "line")
FILING_LINE_COLUMNS = (*FILING_LINE_KEY, "data")


def line_values(row: MappedRow) -> dict[str, Any]:
    values = row.values
    return {
        "filing_id": values["filing_id"],
        "amendment": values["amendment"],
        "part": values["part"],
        "line": values["line"],
        "data": values["data"],
    }


def line_copy_text(row: MappedRow) -> str:
    """A line item as one line of COPY text (FILING_LINE_COLUMNS), its data encoded and escaped once."""
    values = row.values
    return (
        f"{values['filing_id'].translate(COPY_ESCAPES)}\t{values['amendment']}\t"
        f"{values['part'].translate(COPY_ESCAPES)}\t{values['line']}\t{copy_json(values['data'])}\n"
    )


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


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def copy_json(value: Any) -> str:
    """A value as JSON in COPY text format: JSON escapes tabs, newlines and carriage returns itself, so only its
    backslashes need doubling (a plain replace, much cheaper than a translation table)."""
    return _JSON(value).replace("\\", "\\\\")


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


LINE_COUNTS_POSTGRES = """
UPDATE filings SET line_counts = counted.parts
FROM (
    SELECT filing_id, amendment, json_object_agg(part, lines) AS parts
    FROM (SELECT filing_id, amendment, part, count(*) AS lines FROM filing_lines GROUP BY 1, 2, 3) AS per_part
    GROUP BY filing_id, amendment
) AS counted
WHERE filings.filing_id = counted.filing_id AND filings.amendment = counted.amendment
  AND filings.source = 'legacy' AND filings.line_counts::jsonb IS DISTINCT FROM counted.parts::jsonb
"""
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
    postgres = session.get_bind().dialect.name == "postgresql"
    session.execute(sa.text(LINE_COUNTS_POSTGRES if postgres else LINE_COUNTS_SQLITE))


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


def relax_durability(session: Session) -> None:
    """Commit without waiting for the disk: a crash loses at most the last batches, whose checkpoint goes too.

    The batch, its checkpoint and its events commit together, so a resumed run simply loads them again. On
    PostgreSQL only: SQLite cannot change its synchronous setting inside the transaction every session opens.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
