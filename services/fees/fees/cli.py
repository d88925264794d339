"""`cars-fees`: the yearly assessment run and the daily run from a console, as the worker's timers run them.

Whoever can run this on a host holding the fees database's credentials already controls the service.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from datetime import date

from sqlalchemy import select

from cars_shared.config import database_url
from cars_shared.db import Database
from fees import SERVICE
from fees.domain.calendar import california_today
from fees.models import AssessmentRun
from fees.runs import daily, yearly


def _operator() -> str:
    try:
        return f"console:{getpass.getuser()}"
    except (KeyError, OSError):
        return "console"


class ProgressLine:
    """Prints a run's progress after each batch: entities charged of those owing, and the rate."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.first: int | None = None

    def __call__(self, run: AssessmentRun) -> None:
        if self.first is None:
            # A continued run counts its rate from what this process charged.
            self.first = run.entities_assessed
        done, total = run.entities_assessed, max(run.entities_to_assess, run.entities_assessed)
        share = f" ({100 * done / total:.0f}%)" if total else ""
        elapsed = time.monotonic() - self.started
        rate = (done - self.first) / elapsed if elapsed > 0 else 0.0
        print(f"{run.fee_year}: {done}/{total} entities assessed{share}, batch {run.batches}, {rate:.0f} entities/s")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cars-fees", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    year = commands.add_parser("assess-year", help="charge a year's annual fee to every entity owing it")
    year.add_argument("--year", type=int, default=None, help="the fee year (default: this year in California)")
    year.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="the assessment day, YYYY-MM-DD (default: today)"
    )
    year.add_argument("--batch-size", type=int, default=yearly.BATCH_SIZE, help="entities per transaction")
    day = commands.add_parser("daily", help="penalties, fine accruals and reminders as of a day")
    day.add_argument("--as-of", type=date.fromisoformat, default=None, help="the day, YYYY-MM-DD (default: today)")
    runs = commands.add_parser("runs", help="list the latest yearly assessment runs and how far they got")
    runs.add_argument("--limit", type=int, default=10)
    return parser


def main(argv: list[str] | None = None, database: Database | None = None) -> int:
    """Run one command; 0 when done, 1 (with the reason on stderr) when refused."""
    args = _parser().parse_args(argv)
    database = database or Database(database_url(SERVICE))
    try:
        if args.command == "assess-year":
            as_of = args.as_of or california_today()
            run = yearly.assess_year(
                database,
                args.year or as_of.year,
                _operator(),
                assessed_on=as_of,
                batch_size=args.batch_size,
                progress=ProgressLine(),
            )
            print(f"{run.fee_year}: finished, {run.entities_assessed} entities assessed (run {run.run_id})")
        elif args.command == "daily":
            result = daily.run_daily(database, args.as_of or california_today(), _operator())
            print(
                f"as of {result.as_of.isoformat()}: {result.penalties} late payment penalties, "
                f"{result.fine_entries} late filing fine entries, {result.reminders} reminders (run {result.run_id})"
            )
        else:
            with database.session() as session:
                listed = session.scalars(
                    select(AssessmentRun).order_by(AssessmentRun.started_at.desc()).limit(args.limit)
                ).all()
            for run in listed:
                state = "finished" if run.finished_at else "unfinished"
                print(
                    f"{run.fee_year} {run.run_id} {state}: {run.entities_assessed}/{run.entities_to_assess} "
                    f"assessed in {run.batches} batches, by {run.requested_by}, started {run.started_at.isoformat()}"
                )
    except Exception as error:  # noqa: BLE001 - a console answers with the reason, not a traceback
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
