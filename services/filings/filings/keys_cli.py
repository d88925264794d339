"""`cars-filings-keys`: keep the secrets filings stores at rest sealed with the newest data key.

    cars-filings-keys reseal    encrypt the vendor webhook signing secrets again with the newest data key

A data key (FILINGS_DATA_KEY) rotates by putting a new key first, running reseal, then dropping the old key.
Whoever can run this on a host holding the filings database's credentials already controls the service.
"""

from __future__ import annotations

import argparse
import sys

from cars_shared.config import database_url
from cars_shared.db import Database
from filings import SERVICE
from filings.data_keys import data_key_ring
from filings.vendors.handlers import reseal_signing_secrets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-filings-keys", description="Reseal the secrets filings stores.")
    parser.add_argument("command", choices=("reseal",))
    parser.parse_args(argv)
    database = Database(database_url(SERVICE))
    try:
        with database.session() as session:
            count, kid = reseal_signing_secrets(session), data_key_ring().current.kid
    finally:
        database.dispose()
    print(f"resealed {count} webhook signing secret{'s' if count != 1 else ''} with data key {kid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
