"""The yearly assessment run over synthetic entities, next to a raw insert of as many ledger rows.

Full path: N synthetic filing entities (committees and lobbying entities registered over several years, a
few candidates, committees formed in the last quarter and entities terminated before the year, which owe
nothing) are loaded into a fresh, migrated fees database on PostgreSQL. The clock then times
`fees.runs.yearly.assess_year` as the worker's timer and `cars-fees assess-year` run it: batches of 1,000
entities, each one transaction that charges the annual fee to every entity owing it (one ledger row each)
and queues one fee_assessed event each in the outbox. Rate = entities charged / run time. The outbox is
then relayed to a fresh RabbitMQ vhost with publisher confirms (`OutboxRelay`), as the worker's relay does,
and the events published are counted.

Baseline, same run, same database: as many rows as entities charged inserted raw into an equivalent table
(`CREATE TABLE ... (LIKE ledger_entries INCLUDING ALL)`) with psycopg2's execute_values, 1,000 rows per
transaction as the run commits them.

    .venv/bin/python bench/fees.py [--scale 5]        # 20,000 entities; --scale 5: the issue's 100,000

Headline (last line): `fees: <n> entities/s (ratio <r> vs raw insert of ledger rows)` (target: ratio at least
0.3).
"""

from __future__ import annotations

import io
import os
import sys
import time
import uuid
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore", category=DeprecationWarning)
BENCH = str(Path(__file__).resolve().parent)
sys.path.insert(0, BENCH)

from _common import parser, rate, resources  # noqa: E402

# This file's own name would hide the fees service's package; only _common was needed from here.
sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != BENCH]

DEFAULT_ENTITIES = 20_000
FEE_YEAR = 2027
ASSESSED_ON = date(FEE_YEAR, 1, 1)
BATCH_SIZE = 1000
FIRST_ENTITY_ID = 2_000_000


def synthetic_entities(count: int) -> list[tuple[Any, ...]]:
    """(entity_id, name, entity_type, registered_on, terminated_on): about nine in ten owe the year's fee."""
    kinds = (
        "recipient_committee",
        "recipient_committee",
        "primarily_formed_committee",
        "general_purpose_committee",
        "lobbying_firm",
        "lobbyist_employer",
        "lobbyist",
    )
    rows = []
    for number in range(count):
        entity_type = kinds[number % len(kinds)]
        registered_on = date(2019, 1, 2) + timedelta(days=(number * 37) % (365 * 7))
        terminated_on = None
        if number % 50 == 0:
            entity_type = "candidate"
        elif number % 50 == 1:
            terminated_on = date(FEE_YEAR - 1, 6, 30)
        elif number % 50 == 2:
            registered_on = date(FEE_YEAR - 1, 11, 1 + number % 28)
        if registered_on >= ASSESSED_ON:
            registered_on = registered_on.replace(year=FEE_YEAR - 2)
        entity_id = str(FIRST_ENTITY_ID + number)
        rows.append((entity_id, f"Synthetic Entity {number}", entity_type, registered_on, terminated_on))
    return rows


def load_entities(url: str, rows: list[tuple[Any, ...]]) -> None:
    """COPY the synthetic entities into the fees projection (what filings' events would have built)."""
    import psycopg2

    text = io.StringIO()
    now = datetime.now(UTC).isoformat()
    for entity_id, name, entity_type, registered_on, terminated_on in rows:
        terminated = terminated_on.isoformat() if terminated_on else "\\N"
        text.write(f"{entity_id}\t{name}\t{entity_type}\t{registered_on.isoformat()}\t{terminated}\t0\t{now}\n")
    text.seek(0)
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.copy_expert(
                "COPY entities (entity_id, name, entity_type, registered_on, terminated_on, name_amendment, "
                "updated_at) FROM STDIN",
                text,
            )
            cursor.execute("ANALYZE entities")
        connection.commit()
    finally:
        connection.close()


def raw_insert(url: str, count: int) -> float:
    """Insert `count` annual fee rows into a copy of ledger_entries, 1,000 per transaction; seconds taken."""
    import psycopg2
    from psycopg2.extras import execute_values

    recorded_at = datetime.now(UTC)
    rows = []
    for number in range(count):
        entry_id = str(uuid.uuid4())
        rows.append(
            (
                entry_id,
                str(FIRST_ENTITY_ID + number),
                "annual_fee",
                5000,
                entry_id,
                "annual_fee",
                str(FEE_YEAR),
                date(FEE_YEAR, 1, 15),
                ASSESSED_ON,
                recorded_at,
                FEE_YEAR,
                f"Annual fee {FEE_YEAR}",
                "system",
                "yearly run",
            )
        )
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS ledger_entries_raw")
            cursor.execute("CREATE TABLE ledger_entries_raw (LIKE ledger_entries INCLUDING ALL)")
        connection.commit()
        started = time.perf_counter()
        for first in range(0, count, BATCH_SIZE):
            with connection.cursor() as cursor:
                execute_values(
                    cursor,
                    "INSERT INTO ledger_entries_raw (id, entity_id, kind, amount_cents, item_id, rule, period, due_on, "
                    "effective_on, recorded_at, fee_year, description, actor_kind, actor_id) VALUES %s",
                    rows[first : first + BATCH_SIZE],
                    page_size=BATCH_SIZE,
                )
            connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()


def relay_all(url: str, amqp_uri: str) -> tuple[int, float]:
    """Publish every queued event to the broker as the worker's relay does; (events published, seconds)."""
    from cars_shared.db import Database
    from cars_shared.relay import ConfirmingPublisher, OutboxRelay

    database = Database(url)
    relay = OutboxRelay(database, ConfirmingPublisher(amqp_uri))
    published = 0
    started = time.perf_counter()
    try:
        while batch := relay.publish_pending():
            published += batch
        return published, time.perf_counter() - started
    finally:
        relay.publisher.close()
        database.dispose()


def queued_events(url: str) -> int:
    from sqlalchemy import func, select

    from cars_shared.db import Database
    from cars_shared.messaging_tables import outbox

    database = Database(url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(outbox).where(outbox.c.event_type == "fee_assessed"))
    finally:
        database.dispose()


def main() -> int:
    arguments = parser(__doc__.splitlines()[0])
    args = arguments.parse_args()
    if args.backend != "postgres":
        arguments.error("the fees benchmark needs PostgreSQL (its baseline is psycopg2's execute_values)")
    count = max(1, int(DEFAULT_ENTITIES * args.scale))
    from cars_shared import logging as cars_logging

    cars_logging.configure("bench-fees")
    with resources(args.backend) as held:
        from cars_shared.db import Database
        from cars_shared.migrate import upgrade
        from fees import MIGRATIONS_DIR
        from fees.runs import yearly

        url = held.database("fees")
        upgrade(MIGRATIONS_DIR, url)
        entities = synthetic_entities(count)
        load_entities(url, entities)
        print(f"fees: {count} synthetic entities loaded; yearly run of {FEE_YEAR} as of {ASSESSED_ON.isoformat()}")

        database = Database(url)
        batches: list[float] = []
        last = [time.perf_counter()]

        def progress(_run: Any) -> None:
            now = time.perf_counter()
            batches.append(now - last[0])
            last[0] = now

        try:
            started = time.perf_counter()
            last[0] = started
            run = yearly.assess_year(database, FEE_YEAR, "bench", assessed_on=ASSESSED_ON, progress=progress)
            seconds = time.perf_counter() - started
        finally:
            database.dispose()
        assessed = run.entities_assessed
        events = queued_events(url)
        full_rate = rate(assessed, seconds)
        slowest = max(batches, default=0.0)
        print(
            f"yearly run: {assessed} of {count} entities owed and were charged in {seconds:.3f}s "
            f"({run.batches} batches, slowest {slowest:.3f}s) = {full_rate:.0f} entities/s; "
            f"{events} fee_assessed events queued"
        )
        published, relay_seconds = relay_all(url, held.vhost())
        print(
            f"outbox relay: {published} events published to RabbitMQ with publisher confirms in "
            f"{relay_seconds:.3f}s ({rate(published, relay_seconds):.0f} events/s)"
        )
        raw_seconds = raw_insert(url, assessed)
        raw_rate = rate(assessed, raw_seconds)
        print(
            f"raw insert: {assessed} ledger rows, {BATCH_SIZE} per transaction (execute_values) "
            f"{raw_seconds:.3f}s = {raw_rate:.0f} rows/s"
        )
        print(f"fees: {full_rate:.0f} entities/s (ratio {full_rate / raw_rate:.2f} vs raw insert of ledger rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
