"""`cars-migrate`: load CAL-ACCESS's raw export into CARS.

    cars-migrate load PATH [--report FILE.json] [--batch-rows N] [--jobs N]

PATH is the state's dbwebexport.zip (read as a stream, never unpacked) or a folder of its TSV files. The load
goes into the filings database (FILINGS_DATABASE_URL). Run it again after an interruption to resume; run it on
a newer export to apply what changed. Progress goes to stderr; the report (rows read, loaded, repaired,
quarantined, with reasons, and withdrawn per table) to stdout as a summary and, with --report, to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from cars_shared.config import database_url
from cars_shared.db import Database
from filings import SERVICE
from filings.legacy.counts import TableCounts
from filings.legacy.loader import BATCH_ROWS, LegacyLoader


class ProgressDisplay:
    """One line per table, rewritten at most every `interval` seconds: rows, rows per second, time left."""

    def __init__(self, stream: TextIO = sys.stderr, interval: float = 1.0) -> None:
        self.stream = stream
        self.interval = interval
        self.table = ""
        self.started = 0.0
        self.shown = 0.0
        self.rows_before = 0

    def __call__(self, table: str, counts: TableCounts, bytes_read: int, size: int) -> None:
        now = time.monotonic()
        if table != self.table:
            if self.table:
                self.stream.write("\n")
            self.table, self.started, self.rows_before = table, now, counts.rows_read
        finished = bytes_read >= size
        if now - self.shown < self.interval and not finished:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        rate = (counts.rows_read - self.rows_before) / elapsed
        left = (size - bytes_read) * elapsed / bytes_read if bytes_read and not finished else 0.0
        self.stream.write(
            f"\r{table:<34} {counts.rows_read:>11,} rows {rate:>9,.0f} rows/s "
            f"{counts.quarantined:>7,} quarantined  {_duration(left)} left"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.table:
            self.stream.write("\n")


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-migrate", description="Migrate CAL-ACCESS's raw export into CARS.")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="load an export (zip or folder of TSV files)")
    load.add_argument("path", type=Path)
    load.add_argument("--report", type=Path, help="write the JSON report to this file")
    load.add_argument("--batch-rows", type=int, default=BATCH_ROWS, help="rows per transaction")
    load.add_argument(
        "--jobs", type=int, default=2, help="processes parsing and mapping batches ahead of the one writing them"
    )
    arguments = parser.parse_args(argv)
    if not arguments.path.exists():
        parser.error(f"{arguments.path} does not exist")
    database = Database(database_url(SERVICE))
    progress = ProgressDisplay()
    try:
        loader = LegacyLoader(database, batch_rows=arguments.batch_rows, on_batch=progress, jobs=arguments.jobs)
        result = loader.load(arguments.path)
    finally:
        progress.close()
        database.dispose()
    report = result.report(str(arguments.path.resolve()))
    if arguments.report:
        arguments.report.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    totals = report["totals"]
    print(
        f"{'resumed' if result.resumed else 'run'} {result.run_id}: {totals['rows_read']:,} rows read, "
        f"{totals['loaded']:,} loaded ({totals['changed']:,} changed, {totals['unchanged']:,} unchanged), "
        f"{totals['repaired']:,} repaired, {totals['quarantined']:,} quarantined, "
        f"{totals['withdrawn']:,} withdrawn; reconciled: {'yes' if report['reconciled'] else 'NO'}"
    )
    for reason, count in totals["quarantine_reasons"].items():
        print(f"  quarantined {count:>7,}  {reason}")
    for table, counts in report["tables"].items():
        if counts["withdrawn"]:
            print(f"  withdrawn   {counts['withdrawn']:>7,}  {table} keys on file that this export no longer holds")
    return 0 if report["reconciled"] else 1


if __name__ == "__main__":
    sys.exit(main())
