"""`cars-search`: operate the public search index.

    cars-search reindex [--filings-url URL]   rebuild the whole index from filings' public API, then switch to it
    cars-search count                          how many documents of each kind the index holds

The rebuild runs beside the index in service, which keeps answering searches and taking new filings meanwhile.
"""

from __future__ import annotations

import argparse
import sys

from search.domain.documents import KINDS
from search.filings_client import FilingsClient
from search.index import open_index
from search.reindex import Progress, reindex


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-search", description="Operate the public search index.")
    commands = parser.add_subparsers(dest="command", required=True)
    rebuild = commands.add_parser("reindex", help="Rebuild the index from filings without downtime.")
    rebuild.add_argument("--filings-url", help="filings' public API (default FILINGS_PUBLIC_URL)")
    rebuild.add_argument("--progress-seconds", type=float, default=2.0, help="seconds between progress lines")
    commands.add_parser("count", help="Documents in the index, by kind.")
    arguments = parser.parse_args(argv)
    index = open_index()
    if arguments.command == "count":
        for kind in KINDS:
            print(f"{kind}: {index.count(kind):,}")
        return 0
    if not hasattr(index, "begin_rebuild"):
        print("this index cannot be rebuilt beside the one in service", file=sys.stderr)
        return 2
    progress = Progress(lambda state: print(state.line(), flush=True), every_seconds=arguments.progress_seconds)
    reindex(index, FilingsClient(arguments.filings_url), progress)
    print(f"switched to the rebuilt index; {progress.caught_up:,} documents written meanwhile were carried over")
    return 0


if __name__ == "__main__":
    sys.exit(main())
