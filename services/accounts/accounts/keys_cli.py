"""`cars-accounts-keys`: rotate and retire the keys that sign access tokens.

    cars-accounts-keys list      the unretired keys, the signing one first
    cars-accounts-keys rotate    a new key signs from now on; older ones keep verifying
    cars-accounts-keys retire    every key but the signing one stops verifying
    cars-accounts-keys reseal    encrypt the stored secrets again with the newest data key

Retire only after the access-token lifetime has passed since the rotation, or tokens still in use fail.
A data key (ACCOUNTS_DATA_KEY) rotates by putting a new key first, running reseal, then dropping the old key.
"""

from __future__ import annotations

import argparse
import sys

from accounts import handlers
from accounts.data_keys import data_key_ring
from accounts.signing_key import SigningKey
from cars_shared.config import database_url
from cars_shared.db import Database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cars-accounts-keys", description="Rotate the access-token signing keys; reseal secrets at rest."
    )
    parser.add_argument("command", choices=("list", "rotate", "retire", "reseal"))
    args = parser.parse_args(argv)
    database = Database(database_url("accounts"))
    try:
        with database.session() as session:
            # The configured key starts the ring, so the first rotation keeps today's tokens valid.
            ring = handlers.load_key_ring(session, SigningKey.load)
            if args.command == "rotate":
                print(f"signing with {handlers.rotate_signing_key(session).kid}; {ring.current.kid} still verifies")
            elif args.command == "retire":
                for kid in handlers.retire_signing_keys(session):
                    print(f"retired {kid}")
            elif args.command == "reseal":
                count, kid = handlers.reseal_secrets(session), data_key_ring().current.kid
                print(f"resealed {count} stored secret{'s' if count != 1 else ''} with data key {kid}")
            else:
                for index, key in enumerate(ring.keys):
                    print(f"{key.kid}{'  (signs)' if index == 0 else ''}")
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
