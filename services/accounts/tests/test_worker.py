import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime

import kombu
import pytest
from sqlalchemy import func, select

from accounts import handlers
from accounts.audit.models import AuditEntry
from accounts.links import handlers as link_handlers
from accounts.links.handlers import Caller as LinkCaller
from accounts.models import EntityLink
from accounts.vendors import handlers as vendor_handlers
from accounts.vendors.callers import Caller as VendorCaller
from accounts.vendors.models import Vendor
from cars_shared.bus import event_exchange
from cars_shared.events import make_event, payload_schema
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
    payload = received.payload["payload"]
    assert {key: payload[key] for key in ("user_id", "entity_id", "role", "approval")} == {
        "user_id": user.id,
        "entity_id": "1400001",
        "role": "officer",
        "approval": "registration",
    }
    time.sleep(0.5)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(EntityLink)) == 1
        assert approval_published() == 1


def received_on(connection, queue, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        message = queue(connection.channel()).get(no_ack=True)
        if message is not None:
            return message.payload
        assert time.monotonic() < deadline, "nothing arrived"
        time.sleep(0.1)


def test_the_worker_records_a_vendors_passed_scenarios_once_however_often_delivered(database, amqp_vhost, worker):
    maker = VendorCaller(user_id="maker-1", is_staff=False, vendor_id=None, officer_of=frozenset())
    with database.session() as session:
        vendor, _credential = vendor_handlers.register_vendor(
            session, maker, "Acme Filing Software", "dev@acme.example"
        )
    passed_at = datetime(2026, 5, 4, 16, 30, tzinfo=UTC)
    event = make_event(
        "filings",
        "vendor_scenarios_passed",
        {"vendor_id": vendor.id, "passed_at": passed_at, "scenarios": ["original_460", "amended_460"]},
    )
    publisher = ConfirmingPublisher(amqp_vhost)
    # The same event delivered twice, as after a broker redelivery.
    publisher.publish([PendingEvent(1, "filings", "vendor_scenarios_passed", event)] * 2)
    publisher.close()

    def recorded():
        with database.session() as session:
            return session.get(Vendor, vendor.id).scenarios_passed_at

    wait_until(recorded)
    time.sleep(0.5)
    assert recorded() == passed_at
    with database.session() as session:
        reports = session.scalars(select(AuditEntry).where(AuditEntry.action == "vendor.scenarios_passed")).all()
    assert [(entry.target, entry.detail["scenarios"]) for entry in reports] == [
        (f"vendor:{vendor.id}", ["original_460", "amended_460"])
    ]


def test_partner_grants_and_revocations_reach_the_broker_as_their_contracts_say(database, amqp_vhost, worker):
    with database.session() as session:
        staff = handlers.register_user(session, "clerk1", "clerk1@example.org", "quiet river stone")
        staff.roles = ["staff"]
        partner = handlers.register_user(session, "auditor1", "auditor1@example.org", "quiet river stone")
        partner.roles = ["partner"]
    with kombu.Connection(amqp_vhost) as connection:
        queues = {}
        for event_type in ("partner_access_granted", "partner_access_revoked"):
            queues[event_type] = kombu.Queue(
                f"test-{event_type}", exchange=event_exchange("accounts"), routing_key=event_type
            )
            queues[event_type](connection.channel()).declare()
        starts_on, ends_on = date(2026, 7, 1), date(2026, 12, 31)
        with database.session() as session:
            grant = link_handlers.grant_partner_access(
                session, LinkCaller(staff.id), partner.id, "1400001", starts_on, ends_on
            )
        with database.session() as session:
            link_handlers.revoke_partner_access(session, LinkCaller(staff.id), grant.id)
        granted = received_on(connection, queues["partner_access_granted"])
        revoked = received_on(connection, queues["partner_access_revoked"])
    assert (granted["producer"], granted["type"]) == ("accounts", "partner_access_granted")
    assert payload_schema("accounts", "partner_access_granted").load(granted["payload"]) == {
        "grant_id": grant.id,
        "partner_id": partner.id,
        "entity_id": "1400001",
        "starts_on": starts_on,
        "ends_on": ends_on,
        "granted_by": staff.id,
    }
    assert revoked["payload"] == {
        "grant_id": grant.id,
        "partner_id": partner.id,
        "entity_id": "1400001",
        "revoked_by": staff.id,
    }
