"""`python -m notify.partners.keys reseal`: seal partner webhook signing secrets with the newest data key.

A data key (NOTIFY_DATA_KEY) rotates by putting a new key first, running reseal, then dropping the old key.
"""

from __future__ import annotations

import argparse
import sys

from cars_shared.config import database_url
from cars_shared.db import Database
from notify import SERVICE
from notify.partners.webhooks import DATA_KEYS, reseal_signing_secrets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notify.partners.keys", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("reseal",))
    parser.parse_args(argv)
    database = Database(database_url(SERVICE))
    try:
        with database.session() as session:
            count = reseal_signing_secrets(session)
    finally:
        database.dispose()
    plural = "s" if count != 1 else ""
    print(f"resealed {count} webhook signing secret{plural} with data key {DATA_KEYS.ring().current.kid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
