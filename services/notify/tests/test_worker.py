import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime

import kombu
import pytest
from sqlalchemy import select

from cars_shared.bus import event_exchange
from cars_shared.events import make_event
from notify.models import AlertSubscription, DashboardNotice, Email, Membership

ALERT_KEY = "alert-signing-key-of-the-worker-test-" + "k" * 10


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


@pytest.fixture
def running_worker(tmp_path, amqp_vhost, database, smtp_sink):
    log_path = tmp_path / "worker.log"
    env = os.environ | {
        "AMQP_URI": amqp_vhost,
        "NOTIFY_DATABASE_URL": database.url,
        "SMTP_URL": smtp_sink.url,
        "MAIL_FROM": "CARS <no-reply@cars.example>",
        "PORTAL_URL": "https://cars.example",
        "VAR_DIR": str(tmp_path),
        "NOTIFY_ALERT_SIGNING_KEY": ALERT_KEY,
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cars_shared.worker_main", "notify.worker:NotifyWorker"], env=env, stderr=log
        )
    try:
        assert wait_for(lambda: "worker_started" in log_path.read_text()), log_path.read_text()
        yield amqp_vhost
    finally:
        process.terminate()
        process.wait(timeout=30)


def member_count(database, entity_id):
    with database.session() as session:
        return len(list(session.scalars(select(Membership.user_id).where(Membership.entity_id == entity_id))))


def drain(queue, expected):
    """Take messages off `queue` until `expected` have arrived (or time runs out)."""
    bodies = []

    def arrived():
        message = queue.get(accept=["json"])
        if message is not None:
            message.ack()
            bodies.append(message.payload)
        return len(bodies) >= expected

    wait_for(arrived)
    return bodies


def publish(connection, producer, type_, payload):
    exchange = event_exchange(producer)
    connection.Producer(serializer="json").publish(
        make_event(producer, type_, payload), exchange=exchange, routing_key=type_, declare=[exchange], delivery_mode=2
    )


def test_notice_to_an_entity_is_delivered_by_mail_and_announced(running_worker, database, smtp_sink):
    with kombu.Connection(running_worker) as connection:
        announced = kombu.Queue("test-email-sent", exchange=event_exchange("notify"), routing_key="email_sent")
        announced(connection.default_channel).declare()
        for user_id in ("user-1", "user-2"):
            registered = {"user_id": user_id, "username": user_id, "email": f"{user_id}@example.org"}
            publish(connection, "accounts", "user_registered", registered)
            link = {"user_id": user_id, "entity_id": "1400001", "role": "officer"}
            publish(connection, "accounts", "entity_link_approved", link)
        # Recipients are the entity's members when the notice is issued: let both links arrive first.
        assert wait_for(lambda: member_count(database, "1400001") == 2)
        issued = {
            "correspondence_id": "corr-1",
            "number": "C-2026-000001",
            "kind": "annual_fee_notice",
            "title": "Annual Fee Notice 2026",
            "entity_id": "1400001",
            "user_id": None,
            "issued_at": datetime(2026, 3, 2, 17, 0, tzinfo=UTC),
        }
        publish(connection, "correspondence", "correspondence_issued", issued)

        assert wait_for(lambda: len(smtp_sink.messages) == 2)
        assert sorted(m["To"] for m in smtp_sink.messages) == ["user-1@example.org", "user-2@example.org"]
        sent = drain(announced(connection.default_channel), expected=2)
    assert sorted(event["payload"]["user_id"] for event in sent) == ["user-1", "user-2"]
    with database.session() as session:
        assert sorted(session.scalars(select(Email.status))) == ["sent", "sent"]
        assert sorted(session.scalars(select(DashboardNotice.user_id))) == ["user-1", "user-2"]


def test_account_emails_reach_the_addresses_they_are_for(running_worker, database, smtp_sink):
    expires = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    with kombu.Connection(running_worker) as connection:
        verification = {
            "user_id": "user-1",
            "username": "jdoe",
            "email": "new@example.org",
            "verification_url": "https://cars.example/account/verify-email#token=" + "v" * 43,
            "expires_at": expires,
        }
        publish(connection, "accounts", "email_verification_requested", verification)
        reset = {
            "user_id": "user-1",
            "username": "jdoe",
            "email": "jdoe@example.org",
            "reset_url": "https://cars.example/account/reset-password#token=" + "r" * 43,
            "expires_at": expires,
        }
        publish(connection, "accounts", "password_reset_requested", reset)
        changed = {
            "user_id": "user-1",
            "username": "jdoe",
            "old_email": "jdoe@example.org",
            "new_email": "new@example.org",
        }
        publish(connection, "accounts", "email_changed", changed)
        assert wait_for(lambda: len(smtp_sink.messages) == 3)
    by_subject = {m["Subject"]: m for m in smtp_sink.messages}
    confirm = by_subject["Confirm your e-mail address for CARS"]
    assert confirm["To"] == "new@example.org"
    assert "v" * 43 in confirm.get_payload(0).get_payload(decode=True).decode()
    assert by_subject["Reset your CARS password"]["To"] == "jdoe@example.org"
    assert by_subject["The e-mail address of your CARS account changed"]["To"] == "jdoe@example.org"


def test_payment_reminders_and_filing_alerts_reach_their_readers(running_worker, database, smtp_sink):
    with database.session() as session:
        session.add(
            AlertSubscription(
                id="sub-1",
                email="reader@example.org",
                entity_id="1400001",
                status="confirmed",
                created_at=datetime.now(UTC),
            )
        )
    with kombu.Connection(running_worker) as connection:
        publish(
            connection, "accounts", "user_registered", {"user_id": "u-1", "username": "jdoe", "email": "j@example.org"}
        )
        publish(
            connection, "accounts", "entity_link_approved", {"user_id": "u-1", "entity_id": "1400001", "role": "agent"}
        )
        assert wait_for(lambda: member_count(database, "1400001") == 1)
        reminder = {
            "item_id": "item-1",
            "entity_id": "1400001",
            "entity_name": "Friends of Example",
            "kind": "annual_fee",
            "description": "Annual fee 2027",
            "open_cents": 5000,
            "due_date": date(2027, 1, 15),
            "days_before": 7,
        }
        publish(connection, "fees", "payment_reminder_due", reminder)
        accepted = {
            "filing_id": "f-1",
            "entity_id": "1400001",
            "entity_name": "Friends of Example",
            "form": "F460",
            "form_name": "Recipient Committee Campaign Statement",
            "amendment": 0,
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
            "totals": {},
        }
        publish(connection, "filings", "filing_accepted", accepted)
        publish(connection, "filings", "filing_accepted", accepted)
        assert wait_for(lambda: len(smtp_sink.messages) == 2)
    by_recipient = {m["To"]: m for m in smtp_sink.messages}
    assert by_recipient["j@example.org"]["Subject"] == "Payment due January 15, 2027 for Friends of Example"
    alert = by_recipient["reader@example.org"]
    assert alert["Subject"] == "Friends of Example filed F460"
    assert alert["List-Unsubscribe"].startswith(
        "<https://cars.example/api/notify/alerts/unsubscribe?subscription=sub-1&"
    )
    time.sleep(1)
    assert len(smtp_sink.messages) == 2
