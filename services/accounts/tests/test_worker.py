import os
import subprocess
import sys
import time
from datetime import date

import kombu
import pytest
from sqlalchemy import func, select

from accounts import handlers
from accounts.models import EntityLink
from cars_shared.bus import event_exchange
from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox
from cars_shared.relay import ConfirmingPublisher, PendingEvent


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


@pytest.fixture
def worker(database, amqp_vhost, tmp_path):
    ready = tmp_path / "ready"
    env = {**os.environ, "AMQP_URI": amqp_vhost, "ACCOUNTS_DATABASE_URL": database.url, "VAR_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cars_shared.worker_main", "accounts.worker:AccountsWorker", "--ready-file", str(ready)],
        env=env,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, "the worker exited while starting"
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.1)
    yield process
    process.terminate()
    process.wait(timeout=30)


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_worker_links_the_registrant_once_and_publishes_entity_link_approved(database, amqp_vhost, worker):
    with database.session() as session:
        user = handlers.register_user(session, "jdoe", "jdoe@example.org", "quiet river stone")
    event = make_event(
        "filings",
        "entity_registered",
        {
            "entity_id": "1400001",
            "name": "Friends of Example",
            "entity_type": "recipient_committee",
            "registered_by": user.id,
            "registered_on": date(2026, 3, 2),
            "filing_id": "filing-1",
        },
    )
    with kombu.Connection(amqp_vhost) as connection:
        approvals = kombu.Queue(
            "test-entity-link-approved", exchange=event_exchange("accounts"), routing_key="entity_link_approved"
        )
        approvals(connection.channel()).declare()
        publisher = ConfirmingPublisher(amqp_vhost)
        # The same event delivered twice, as after a broker redelivery.
        publisher.publish([PendingEvent(1, "filings", "entity_registered", event)] * 2)
        publisher.close()

        def approval_published():
            with database.session() as session:
                return session.scalar(
                    select(func.count())
                    .select_from(outbox)
                    .where(outbox.c.event_type == "entity_link_approved", outbox.c.published_at.is_not(None))
                )

        wait_until(approval_published)
        received = approvals(connection.channel()).get(no_ack=True)
        deadline = time.monotonic() + 10
        while received is None and time.monotonic() < deadline:
            time.sleep(0.1)
            received = approvals(connection.channel()).get(no_ack=True)
    assert received.payload["payload"] == {"user_id": user.id, "entity_id": "1400001", "role": "officer"}
    time.sleep(0.5)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(EntityLink)) == 1
        assert approval_published() == 1
