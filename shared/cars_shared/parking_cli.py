"""`cars-parking`: list and replay a service's parked messages."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from cars_shared.config import AMQP_URI, SERVICES
from cars_shared.events.registry import redacted
from cars_shared.parking import ParkingLot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-parking", description=__doc__)
    parser.add_argument("action", choices=("list", "replay"))
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--event-id", help="replay only this event")
    parser.add_argument("--amqp-uri", default=None, help="broker URI (default: AMQP_URI)")
    args = parser.parse_args(argv)
    lot = ParkingLot(args.amqp_uri or AMQP_URI.get(), args.service)
    if args.action == "list":
        rows = lot.list()
    else:
        rows = lot.replay(args.event_id)
    for row in rows:
        # Secrets stay in the parked message for replay but are never printed.
        sys.stdout.write(json.dumps({**asdict(row), "body": redacted(row.body)}) + "\n")
    sys.stderr.write(f"{len(rows)} message(s) {'parked' if args.action == 'list' else 'replayed'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
