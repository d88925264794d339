"""A bench-only consumer of filings.entity_registered: does nothing with each event (BENCHSINK_WORK=none),
so only the plumbing (inbox, transaction, ack) is measured, or records it with one insert (=insert).

It borrows the search service's database variable (SEARCH_DATABASE_URL), since a service's database
must be a declared variable; the benchmark points it at a fresh database of its own.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, insert
from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes

metadata = MetaData()

sink_record = Table(
    "bench_sink_record",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("entity_id", String(40), nullable=False),
)

QUEUE = "evt-filings-entity_registered--benchsink.record"
CONSUMER = "benchsink.record"


class BenchSinkWorker:
    name = "benchsink"
    store = ServiceStore("search")

    @consumes("filings", "entity_registered")
    def record(self, session: Session, event: dict[str, Any]) -> None:
        if os.environ.get("BENCHSINK_WORK") == "insert":
            session.execute(
                insert(sink_record).values(event_id=event["event_id"], entity_id=event["payload"]["entity_id"])
            )
