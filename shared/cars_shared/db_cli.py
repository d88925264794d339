"""`cars-db upgrade SERVICE`: apply a service's migrations to its database."""

from __future__ import annotations

import argparse
import importlib

from cars_shared.config import SERVICES, database_url
from cars_shared.migrate import upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-db", description=__doc__)
    parser.add_argument("action", choices=("upgrade",))
    parser.add_argument("services", nargs="+", choices=SERVICES)
    parser.add_argument("--revision", default="head")
    args = parser.parse_args(argv)
    for service in args.services:
        package = importlib.import_module(service)
        upgrade(package.MIGRATIONS_DIR, database_url(service), args.revision)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
