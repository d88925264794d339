"""E-mail verification, password reset and address change, from the gateway to the SMTP server.

The accounts gateway runs on PostgreSQL; its outbox relay publishes to a fresh RabbitMQ vhost; a real
notify worker turns the events into e-mails delivered to the test's SMTP server.
"""

import os
import re
import subprocess
import sys
import time

import pytest

from accounts.gateway import create_app
from accounts.signing_key import SigningKey
from cars_shared.relay import ConfirmingPublisher, OutboxRelay

PASSWORD = "quiet river stone"
PORTAL = "https://cars.example"


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"not reached within {timeout} s")


@pytest.fixture
def notify_worker(tmp_path, amqp_vhost, migrated_database, smtp_sink):
    database = migrated_database("notify")
    log_path = tmp_path / "notify-worker.log"
    env = os.environ | {
        "AMQP_URI": amqp_vhost,
        "NOTIFY_DATABASE_URL": database.url,
        "SMTP_URL": smtp_sink.url,
        "VAR_DIR": str(tmp_path),
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cars_shared.worker_main", "notify.worker:NotifyWorker"], env=env, stderr=log
        )
    try:
        wait_for(lambda: "worker_started" in log_path.read_text())
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def accounts(migrated_database, amqp_vhost, notify_worker, monkeypatch):
    """The accounts gateway's test client, and a function that relays its committed events to the broker."""
    monkeypatch.setenv("PORTAL_URL", PORTAL)
    database = migrated_database("accounts")
    client = create_app(database=database, signing_key=SigningKey.generate()).test_client()
    publisher = ConfirmingPublisher(amqp_vhost)
    relay = OutboxRelay(database, publisher)
    yield client, relay.publish_pending
    publisher.close()


def mail_to(smtp_sink, address, subject_word):
    """The newest message to `address` whose subject has `subject_word`, once it arrives."""

    def arrived():
        found = [m for m in smtp_sink.messages if m["To"] == address and subject_word in m["Subject"]]
        return found[-1] if found else None

    return wait_for(arrived)


def link_token(message, path):
    text = message.get_payload(0).get_payload(decode=True).decode()
    return re.search(rf"{re.escape(PORTAL + path)}#token=([A-Za-z0-9_-]+)", text).group(1)


def sign_in(client, password=PASSWORD):
    return client.post("/api/accounts/sessions", json={"username": "jdoe", "password": password})


def test_the_verification_link_arrives_by_mail_and_verifies_the_address(accounts, smtp_sink):
    client, relay = accounts
    body = {"username": "jdoe", "email": "jdoe@example.org", "password": PASSWORD}
    assert client.post("/api/accounts/users", json=body).status_code == 201
    relay()
    token = link_token(mail_to(smtp_sink, "jdoe@example.org", "Confirm"), "/account/verify-email")
    assert client.post("/api/accounts/email-verifications", json={"token": token}).status_code == 200
    me = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {sign_in(client).json['access_token']}"})
    assert me.json["email_verified"] is True


def test_a_password_reset_by_mailed_link_lets_the_new_password_in(accounts, smtp_sink):
    client, relay = accounts
    client.post("/api/accounts/users", json={"username": "jdoe", "email": "jdoe@example.org", "password": PASSWORD})
    assert client.post("/api/accounts/password-resets", json={"email": "jdoe@example.org"}).status_code == 202
    relay()
    token = link_token(mail_to(smtp_sink, "jdoe@example.org", "Reset"), "/account/reset-password")
    new_password = "lantern over the bay"
    reset = client.post("/api/accounts/password-resets/complete", json={"token": token, "password": new_password})
    assert reset.status_code == 204
    assert sign_in(client).status_code == 401
    assert sign_in(client, new_password).status_code == 200


def test_a_changed_address_is_verified_by_mail_and_the_old_address_gets_a_notice(accounts, smtp_sink):
    client, relay = accounts
    client.post("/api/accounts/users", json={"username": "jdoe", "email": "jdoe@example.org", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {sign_in(client).json['access_token']}"}
    change = {"password": PASSWORD, "email": "jane@example.net"}
    assert client.post("/api/accounts/me/email", json=change, headers=headers).status_code == 202
    relay()
    token = link_token(mail_to(smtp_sink, "jane@example.net", "Confirm"), "/account/verify-email")
    assert client.post("/api/accounts/email-verifications", json={"token": token}).status_code == 200
    relay()
    notice = mail_to(smtp_sink, "jdoe@example.org", "changed")
    assert "jane@example.net" in notice.get_payload(0).get_payload(decode=True).decode()
    assert client.get("/api/accounts/me", headers=headers).json["email"] == "jane@example.net"
