"""`cars-accounts-admin`: bootstrap the first administrator and record migrated entities, from a console.

The first administrator is never created over HTTP: whoever can run this command on a host holding the
accounts database's credentials already controls the service.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from accounts.domain.entity_links import ADMINISTRATOR
from accounts.links import handlers
from cars_shared.config import database_url
from cars_shared.db import Database


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise SystemExit("The passwords differ.")
    return password


def main(argv: list[str] | None = None, database: Database | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-accounts-admin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-administrator", help="create an administrator account")
    create.add_argument("username")
    create.add_argument("email")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    legacy = commands.add_parser("record-legacy-entity", help="record an entity migrated from the legacy system")
    legacy.add_argument("entity_id")
    legacy.add_argument("name")
    for part in ("street", "city", "state", "zip"):
        legacy.add_argument(f"--{part}", required=True)
    args = parser.parse_args(argv)

    database = database or Database(database_url("accounts"))
    try:
        if args.command == "create-administrator":
            password = _password(args.password_stdin)
            with database.session() as session:
                user = handlers.create_administered_user(
                    session, None, args.username, args.email, password, [ADMINISTRATOR]
                )
                print(f"administrator {user.username} created: {user.id}")
        else:
            address = {part: getattr(args, part) for part in ("street", "city", "state", "zip")}
            with database.session() as session:
                handlers.record_legacy_entity(session, args.entity_id, args.name, address)
            print(f"entity {args.entity_id} recorded as migrated")
    except Exception as error:  # noqa: BLE001 - a console answers with the reason, not a traceback
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
