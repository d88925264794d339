import os
import subprocess
import sys
import time

import kombu
import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from cars_shared.bus import event_exchange
from cars_shared.inbox import EventConsumer
from cars_shared.messaging_tables import outbox
from cars_shared.parking import ParkingLot
from cars_shared.relay import ConfirmingPublisher, PendingEvent
from cars_shared.worker import Store
from fees.domain.calendar import california_today
from fees.models import Entity, LedgerEntry
from fees.worker import FeesWorker


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def count(database, table, *conditions):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table).where(*conditions))


@pytest.fixture
def worker(database):
    # Parking is reached only when a handler keeps failing, which these tests do not provoke.
    consumer = EventConsumer(database, ParkingLot("amqp://guest:guest@127.0.0.1:5672/", "fees"), attempts=1)
    return worker_factory(FeesWorker, store=Store(database, consumer))


def test_a_redelivered_filing_late_message_charges_once(worker, database, filing_late):
    body = filing_late(as_received=False)
    assert worker.on_filing_late([body]) == ["handled"]
    assert worker.on_filing_late([body]) == ["duplicate"]
    assert count(database, LedgerEntry) == 1


def test_entity_events_keep_the_projection(worker, database, registered, updated, terminated):
    assert worker.on_entity_updated([updated(name="Renamed", amendment=1, as_received=False)]) == ["handled"]
    assert worker.on_entity_registered([registered(as_received=False)]) == ["handled"]
    assert worker.on_entity_terminated([terminated(as_received=False)]) == ["handled"]
    with database.session() as session:
        entity = session.get(Entity, "2000001")
        assert (entity.name, entity.terminated_on.isoformat()) == ("Renamed", "2026-12-20")


@pytest.fixture
def running_worker(database, amqp_vhost, tmp_path):
    """A fees worker running as its own process on the test vhost; yields the file it logs to."""
    ready, log_path = tmp_path / "ready", tmp_path / "worker.log"
    env = {**os.environ, "AMQP_URI": amqp_vhost, "FEES_DATABASE_URL": database.url, "VAR_DIR": str(tmp_path)}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cars_shared.worker_main", "fees.worker:FeesWorker", "--ready-file", str(ready)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: ready.exists() or process.poll() is not None)
        assert process.poll() is None, log_path.read_text()
        yield log_path
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_through_the_broker_each_fact_is_charged_and_published_once(
    database, amqp_vhost, running_worker, registered, filing_late
):
    with kombu.Connection(amqp_vhost) as connection:
        published = kombu.Queue(
            "fees-published",
            exchange=event_exchange("fees"),
            routing_key="#",
            channel=connection.channel(),
            durable=False,
        )
        published.declare()
        # Registered today: its one fee is the year's, whatever year the test runs in.
        registration = registered(registered_on=california_today(), as_received=False)
        late = filing_late(as_received=False)
        # The same facts found again by a rerun of filings' check: another event id, nothing new.
        republished = filing_late(as_received=False)
        publisher = ConfirmingPublisher(amqp_vhost)
        publisher.publish(
            [
                PendingEvent(1, "filings", "entity_registered", registration),
                PendingEvent(2, "filings", "entity_registered", registration),
                PendingEvent(3, "filings", "filing_late", late),
                PendingEvent(4, "filings", "filing_late", late),
                PendingEvent(5, "filings", "filing_late", republished),
            ]
        )
        publisher.close()

        wait_until(lambda: running_worker.read_text().count(late["event_id"]) >= 2)
        wait_until(lambda: running_worker.read_text().count(republished["event_id"]) >= 1)
        wait_until(lambda: count(database, outbox, outbox.c.published_at.is_not(None)) == 2)
        received = []
        while (message := published.get(no_ack=True)) is not None:
            received.append(message.payload)
    assert sorted(envelope["type"] for envelope in received) == ["fee_assessed", "fine_assessed"]
    assert [entry for entry in received if entry["type"] == "fine_assessed"][0]["payload"]["amount_cents"] == 3000
    assert count(database, LedgerEntry) == 2
