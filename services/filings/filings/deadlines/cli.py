"""`cars-filings-deadlines`: run the late-filing check for a day from a console, as the daily timer does.

Whoever can run this on a host holding the filings database's credentials already controls the service.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date

from cars_shared.config import database_url
from cars_shared.db import Database
from filings import SERVICE
from filings.deadlines import handlers


def _operator() -> str:
    try:
        return f"console:{getpass.getuser()}"
    except (KeyError, OSError):
        return "console"


def main(argv: list[str] | None = None, database: Database | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-filings-deadlines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="find filings late or missing by the end of a day and publish them")
    check.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="the day, YYYY-MM-DD (default: today in California)"
    )
    args = parser.parse_args(argv)

    database = database or Database(database_url(SERVICE))
    try:
        run = handlers.check_deadlines(database, args.as_of or handlers.california_today(), _operator())
    except Exception as error:  # noqa: BLE001 - a console answers with the reason, not a traceback
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(
        f"as of {run.as_of.isoformat()}: {run.entities_checked} entities checked, {run.found_missing} missing, "
        f"{run.found_filed_late} filed late, {run.arrived} arrived late (run {run.run_id})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
