"""The legacy migration end to end, next to a plain COPY of the same export's lines.

Full path: a synthetic CAL-ACCESS export (bench/legacy_export.py: the real columns, amendments, every trap) of
about 50,000 data lines (times --scale) is written as a folder of TSV files, then `LegacyLoader` loads it
into a fresh, migrated filings database on PostgreSQL as `cars-migrate load` does: byte-level parsing and
repair, mapping to entities, filing versions and line items, content hashes for incremental loads, COPY of new
rows, quarantine, checkpoints and legacy_batch_imported events, one transaction per 20,000 lines, batches
parsed and mapped by two worker processes ahead of the one writing connection (the command's default; an
export under 32 MB is prepared inline). Rate = lines read / load time, line counts of filings included.

Baseline, same run, same database: every line of the same files COPYed as it is into an unindexed table of one
text column per table (carriage returns and NUL bytes dropped and backslashes escaped on the way, the least
COPY needs; client encoding LATIN1 so any byte passes).

    .venv/bin/python bench/migration.py [--scale 10]

Detail, same run: the PostgreSQL floor of the loaded data model. After the load, every non-empty table the
loader wrote (filing_lines, legacy_row_hashes, filings, entities, the legacy_* tables, outbox) is COPYed out to
a file and timed COPYing back into a fresh `CREATE TABLE floor_<table> (LIKE <table> INCLUDING ALL)`; the
seconds summed over the tables give rows/s over the same lines read, and its ratio vs the plain COPY: what
PostgreSQL alone needs to write the finished rows, indexes included, whatever the loader does before.

Headline (last line): `migration: <n> rows/s (ratio <r> vs plain COPY)`. The target is a ratio of at least 0.5
and the 40-million-row export within 30 minutes (22,200 rows/s); the projection for 40 million is printed.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore", category=DeprecationWarning)
BENCH = str(Path(__file__).resolve().parent)
sys.path.insert(0, BENCH)

from _common import parser, rate, resources  # noqa: E402
from legacy_export import generate  # noqa: E402

sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != BENCH]

import psycopg2  # noqa: E402

from cars_shared.db import Database  # noqa: E402
from cars_shared.migrate import upgrade  # noqa: E402
from filings import MIGRATIONS_DIR  # noqa: E402
from filings.legacy.loader import LegacyLoader  # noqa: E402

DEFAULT_ROWS = 50_000
FULL_EXPORT_ROWS = 40_000_000
TARGET_MINUTES = 30
CHUNK = 1 << 20
JOBS = 2
"""As `cars-migrate load` runs by default: transaction tables load in two processes side by side."""


class CopyStream:
    """A TSV file read for COPY text format: CR and NUL dropped, backslashes escaped, header skipped."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("rb")
        self.file.readline()
        self.rest = b""

    def read(self, size: int = CHUNK) -> bytes:
        chunk = self.file.read(CHUNK)
        return chunk.translate(None, b"\r\x00").replace(b"\\", b"\\\\")

    def readline(self, size: int = -1) -> bytes:
        return self.read()

    def close(self) -> None:
        self.file.close()


def cpu_time() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def plain_copy(url: str, folder: Path) -> tuple[int, float]:
    """COPY every table's lines into its own one-column table; the lines copied and the seconds it took."""
    connection = psycopg2.connect(url)
    connection.set_client_encoding("LATIN1")
    copied = 0
    started = time.perf_counter()
    try:
        with connection, connection.cursor() as cursor:
            for path in sorted(folder.glob("*.TSV")):
                table = f"plain_{path.stem.lower()}"
                cursor.execute(f"CREATE TABLE {table} (line text)")
                stream = CopyStream(path)
                try:
                    cursor.copy_expert(f"COPY {table} (line) FROM STDIN WITH (DELIMITER E'\\x02')", stream)
                finally:
                    stream.close()
                copied += cursor.rowcount
    finally:
        connection.close()
    return copied, time.perf_counter() - started


LOADED_TABLES = (
    *("filing_lines", "legacy_row_hashes", "filings", "entities", "legacy_filer_names", "legacy_filer_xrefs"),
    *("legacy_lookup_codes", "legacy_filing_periods", "legacy_records", "legacy_quarantined_rows"),
    *("legacy_withdrawn_keys", "legacy_import_runs", "legacy_table_checkpoints", "outbox"),
)
"""Every table the loader writes."""


def postgres_floor(url: str, folder: Path) -> tuple[int, int, float]:
    """Each non-empty table the loader wrote COPYed out to a file in `folder`, then timed COPYing back into a fresh
    table like it (indexes, constraints and defaults included): the tables, the rows and the seconds, summed."""
    connection = psycopg2.connect(url)
    tables = rows = 0
    seconds = 0.0
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with connection.cursor() as cursor:
            for table in LOADED_TABLES:
                path = folder / f"{table}.copy"
                try:
                    with path.open("wb") as out:
                        cursor.copy_expert(f"COPY {table} TO STDOUT", out)
                    if not path.stat().st_size:
                        continue
                    cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
                    connection.commit()
                    with path.open("rb") as copied:
                        started = time.perf_counter()
                        cursor.copy_expert(f"COPY floor_{table} FROM STDIN", copied)
                        connection.commit()
                        seconds += time.perf_counter() - started
                finally:
                    path.unlink(missing_ok=True)
                tables += 1
                rows += cursor.rowcount
    finally:
        connection.close()
    return tables, rows, seconds


def main() -> int:
    arguments = parser(__doc__.splitlines()[0]).parse_args()
    rows = int(DEFAULT_ROWS * arguments.scale)
    with resources(arguments.backend) as held:
        folder = held.tmp_path("export")
        started = time.perf_counter()
        written = generate(folder, rows)
        print(f"migration: {sum(written.values()):,} lines in {len(written)} tables generated in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        url = held.database("legacy_migration")
        upgrade(MIGRATIONS_DIR, url)
        database = Database(url)
        try:
            started, cpu_started = time.perf_counter(), cpu_time()
            result = LegacyLoader(database, jobs=JOBS).load(folder)
            seconds, cpu_seconds = time.perf_counter() - started, cpu_time() - cpu_started
        finally:
            database.dispose()
        report = result.report(str(folder))
        totals = report["totals"]
        migrated = rate(totals["rows_read"], seconds)
        print(
            f"migration: {totals['rows_read']:,} lines read in {seconds:.1f} s: {totals['loaded']:,} loaded, "
            f"{totals['repaired']:,} repaired, {totals['quarantined']:,} quarantined; "
            f"reconciled: {report['reconciled']}; orphans: {report['orphans']}"
        )
        print(
            f"migration: the loader's CPU time {cpu_seconds:.1f} s ({rate(totals['rows_read'], cpu_seconds):,.0f} "
            f"lines per CPU second; the rest waits for PostgreSQL or for a core on a busy machine)"
        )
        floor_tables = postgres_floor(url, held.tmp_path("floor")) if arguments.backend == "postgres" else None
        started = time.perf_counter()
        database = Database(url)
        try:
            rerun = LegacyLoader(database, jobs=JOBS).load(folder)
        finally:
            database.dispose()
        rerun_seconds = time.perf_counter() - started
        changed = sum(counts.changed for counts in rerun.tables.values())
        print(f"migration: rerun of the same export in {rerun_seconds:.1f} s, {changed} rows changed")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"migration: peak memory of this process (generating, loading, rerunning): {peak} MB")
        if arguments.backend != "postgres":
            print(f"migration: {migrated:.0f} rows/s (no plain COPY baseline on {arguments.backend})")
            return 0
        copied, copy_seconds = plain_copy(url, folder)
        baseline = rate(copied, copy_seconds)
        print(f"migration: plain COPY of {copied:,} lines in {copy_seconds:.2f} s ({baseline:,.0f} lines/s)")
        assert floor_tables is not None
        tables, rows_copied, floor_seconds = floor_tables
        floor = rate(totals["rows_read"], floor_seconds)
        print(
            f"migration: PostgreSQL floor of the loaded data model: {rows_copied:,} rows of {tables} tables copied "
            f"back into fresh tables like them in {floor_seconds:.2f} s ({floor:,.0f} rows/s over the lines read, "
            f"ratio {floor / baseline:.2f} vs plain COPY)"
        )
        projected = FULL_EXPORT_ROWS / migrated / 60
        print(
            f"migration: 40 million rows would take {projected:.0f} min at this rate "
            f"(target {TARGET_MINUTES} min; target ratio 0.5)"
        )
        print(f"migration: {migrated:.0f} rows/s (ratio {migrated / baseline:.2f} vs plain COPY)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
