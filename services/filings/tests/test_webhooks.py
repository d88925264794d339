import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import kombu
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from cars_shared.bus import event_exchange
from cars_shared.events import make_event
from filings.domain.webhooks import (
    DELIVERED,
    FAILED,
    PENDING,
    RetrySchedule,
    SignatureInvalid,
    WebhookUrlRefused,
    check_webhook_url,
    delivered,
    same_origin,
    signature_header,
    verify_signature,
)
from filings.models import Base, Submission
from filings.vendors import handlers
from filings.vendors.models import ScenarioResult, VendorCertification, WebhookDelivery, WebhookEndpoint
from filings.vendors.sender import OutgoingWebhook, WebhookNotDelivered, WebhookSender

SECRET = "whsec_test-secret"
BODY = b'{"event":"submission.decided"}'
VENDOR = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"
OTHER_VENDOR = "1b2c3d4e-0000-4000-8000-000000000002"
NOW = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)


class WebhookReceiver:
    """A local HTTP server receiving webhooks: answers each POST with the next scripted status (then 204)."""

    def __init__(self, statuses=(), delay=0.0):
        self.statuses = list(statuses)
        self.delay = delay
        self.received = []
        self.paths = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((dict(self.headers), body))
                receiver.paths.append(self.path)
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                answer = b"" if status == 204 else b"try later"
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/cars/webhooks"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    started = []

    def start(statuses=(), delay=0.0):
        started.append(WebhookReceiver(statuses, delay))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


@pytest.fixture
def sender():
    webhook_sender = WebhookSender(timeout_seconds=2.0)
    yield webhook_sender
    webhook_sender.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def decided_submission(database, *, vendor_id=VENDOR, status="accepted", space="sandbox", webhook_url=None):
    """A submission row as intake leaves it once decided, and its submission_decided event."""
    submission_id = str(uuid.uuid4())
    filing_id = str(uuid.uuid4()) if status == "accepted" else None
    errors = [] if status == "accepted" else [{"level": "error", "path": "form", "message": "Unknown form."}]
    with database.session() as session:
        session.add(
            Submission(
                submission_id=submission_id,
                space=space,
                submitted_by=f"vendor:{vendor_id}" if vendor_id else "user-treasurer",
                vendor_id=vendor_id,
                request_sha256="0" * 64,
                status=status,
                form="F460",
                entity_id="S0000001",
                filing_id=filing_id,
                amendment=0 if filing_id else None,
                errors=errors,
                warnings=[{"level": "warning", "path": "period", "message": "Not a calendar period."}],
                webhook_url=webhook_url,
                received_at=NOW - timedelta(seconds=5),
                decided_at=NOW,
                body=b"{}",
            )
        )
    event = make_event(
        "filings",
        "submission_decided",
        {
            "submission_id": submission_id,
            "space": space,
            "status": status,
            "vendor_id": vendor_id,
            "form": "F460",
            "filing_id": filing_id,
            "amendment": 0 if filing_id else None,
        },
    )
    return submission_id, event


def configure(database, url, vendor_id=VENDOR):
    with database.session() as session:
        return handlers.configure_webhook(session, vendor_id, url, now=NOW).new_secret


def queue(database, event, now=NOW):
    with database.session() as session:
        handlers.queue_submission_webhook(session, event, now=now)


def delivery_of(database, submission_id):
    with database.session() as session:
        return session.scalar(select(WebhookDelivery).where(WebhookDelivery.submission_id == submission_id))


# Signing and verifying


def test_signature_is_hmac_sha256_of_the_timestamp_a_full_stop_and_the_body():
    expected = hmac.new(SECRET.encode(), b"1777910400." + BODY, hashlib.sha256).hexdigest()
    assert signature_header(SECRET, BODY, 1777910400) == f"t=1777910400,v1={expected}"


def test_verification_accepts_what_was_signed_and_returns_its_timestamp():
    header = signature_header(SECRET, BODY, 1777910400)
    assert verify_signature(SECRET, BODY, header, now=1777910400 + 60) == 1777910400


@pytest.mark.parametrize(
    ("secret", "body"),
    [(SECRET, BODY + b" "), ("whsec_another-secret", BODY)],
    ids=["changed body", "other secret"],
)
def test_verification_refuses_a_changed_body_or_another_secret(secret, body):
    header = signature_header(SECRET, BODY, 1777910400)
    with pytest.raises(SignatureInvalid):
        verify_signature(secret, body, header, now=1777910400)


def test_verification_refuses_a_signature_older_than_the_tolerance():
    header = signature_header(SECRET, BODY, 1777910400)
    with pytest.raises(SignatureInvalid, match="tolerance"):
        verify_signature(SECRET, BODY, header, now=1777910400 + 301)


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=1777910400", "t=soon,v1=abc", "garbage"])
def test_verification_refuses_a_missing_or_malformed_header(header):
    with pytest.raises(SignatureInvalid):
        verify_signature(SECRET, BODY, header, now=1777910400)


def test_verification_accepts_any_of_several_v1_signatures():
    good = signature_header(SECRET, BODY, 1777910400).split(",")[1]
    header = f"t=1777910400,v1={'0' * 64},{good}"
    assert verify_signature(SECRET, BODY, header, now=1777910400) == 1777910400


# Retry schedule


def test_backoff_doubles_after_each_failed_attempt():
    schedule = RetrySchedule(max_attempts=10, first_backoff=timedelta(minutes=1), max_backoff=timedelta(hours=6))
    assert [schedule.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_backoff_is_capped_even_after_very_many_attempts():
    schedule = RetrySchedule(max_attempts=500, first_backoff=timedelta(minutes=1), max_backoff=timedelta(hours=6))
    assert schedule.backoff(10) == timedelta(hours=6)
    assert schedule.backoff(400) == timedelta(hours=6)


def test_no_further_attempt_once_the_attempts_are_used_up():
    schedule = RetrySchedule(max_attempts=3, first_backoff=timedelta(minutes=1))
    assert schedule.next_attempt_at(2, NOW) == NOW + timedelta(minutes=2)
    assert schedule.next_attempt_at(3, NOW) is None


def test_default_schedule_keeps_trying_for_about_a_day():
    schedule = RetrySchedule()
    total = sum((schedule.backoff(n) for n in range(1, schedule.max_attempts)), timedelta())
    assert timedelta(hours=12) <= total <= timedelta(hours=36)


@pytest.mark.parametrize(("status", "taken"), [(200, True), (204, True), (299, True), (302, False), (500, False)])
def test_only_a_2xx_answer_counts_as_delivered(status, taken):
    assert delivered(status) is taken


# Where webhooks may go


def test_a_public_https_url_is_accepted():
    assert check_webhook_url("https://hooks.example.com/cars") == "https://hooks.example.com/cars"


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/cars",
        "ftp://hooks.example.com/cars",
        "https://user:pass@hooks.example.com/cars",
        "https://127.0.0.1/cars",
        "https://10.0.0.8/cars",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/cars",
        "https://localhost:8443/cars",
        "https:///cars",
        "https://hooks.example.com:99999/cars",
        "https://hooks.example.com/cars#part",
        "https://hooks example.com/cars",
        "https://hooks.example.com/ca\nrs",
        "https://hooks_example!.com/cars",
        "https://[not-an-address/cars",
    ],
)
def test_urls_that_are_not_public_https_are_refused(url):
    with pytest.raises(WebhookUrlRefused):
        check_webhook_url(url)


@pytest.mark.parametrize(
    ("url", "other", "same"),
    [
        ("https://hooks.example.com/a", "https://HOOKS.example.com:443/b?x=1", True),
        ("https://hooks.example.com/a", "http://hooks.example.com/a", False),
        ("https://hooks.example.com/a", "https://hooks.example.com:8443/a", False),
        ("https://hooks.example.com/a", "https://10.0.0.8/a", False),
    ],
)
def test_same_origin_compares_scheme_host_and_port(url, other, same):
    assert same_origin(url, other) is same


def test_local_runs_may_use_plain_http_on_loopback():
    assert check_webhook_url("http://127.0.0.1:9000/hooks", allow_local=True) == "http://127.0.0.1:9000/hooks"


# Sending


def test_sender_posts_the_body_signed_with_delivery_and_event_headers(receiver, sender):
    server = receiver()
    webhook = OutgoingWebhook("d-1", "submission.decided", server.url, BODY, SECRET)
    assert sender.send(webhook) == 204
    headers, body = server.received[0]
    assert body == BODY
    assert (headers["Cars-Delivery"], headers["Cars-Event"], headers["Content-Type"]) == (
        "d-1",
        "submission.decided",
        "application/json",
    )
    verify_signature(SECRET, body, headers["Cars-Signature"])


def test_sender_does_not_follow_redirects(receiver, sender):
    server = receiver(statuses=[302])
    with pytest.raises(WebhookNotDelivered) as refused:
        sender.send(OutgoingWebhook("d-1", "submission.decided", server.url, BODY, SECRET))
    assert refused.value.status_code == 302
    assert len(server.received) == 1


def test_sender_gives_up_on_a_slow_server_after_its_timeout(receiver):
    server = receiver(delay=1.5)
    impatient = WebhookSender(timeout_seconds=0.3)
    try:
        with pytest.raises(WebhookNotDelivered, match="No answer within 0.3 seconds"):
            impatient.send(OutgoingWebhook("d-1", "submission.decided", server.url, BODY, SECRET))
    finally:
        impatient.close()


def test_sender_reports_a_server_that_cannot_be_reached(sender):
    url = f"http://127.0.0.1:{free_port()}/hooks"
    with pytest.raises(WebhookNotDelivered, match="Could not connect") as refused:
        sender.send(OutgoingWebhook("d-1", "submission.decided", url, BODY, SECRET))
    assert refused.value.status_code is None


# The endpoint (PostgreSQL)

WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def wait_until_a_session_waits_on_a_lock(database):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with database.engine.connect() as connection:
            if connection.scalar(WAITING_ON_A_LOCK):
                return
        time.sleep(0.02)
    raise AssertionError("no session waited on a lock")


def test_two_first_calls_at_once_keep_one_endpoint_and_issue_one_secret(database):
    answers = {}

    def second_call():
        with database.session() as session:
            answers["second"] = handlers.configure_webhook(session, VENDOR, "https://hooks.example.com/second")

    waiter = threading.Thread(target=second_call)
    with database.session() as first:
        answers["first"] = handlers.configure_webhook(first, VENDOR, "https://hooks.example.com/first")
        waiter.start()
        wait_until_a_session_waits_on_a_lock(database)
    waiter.join(timeout=10)

    assert answers["first"].new_secret is not None
    assert answers["second"].new_secret is None
    with database.session() as session:
        endpoint = handlers.webhook_of(session, VENDOR)
    assert (endpoint.url, endpoint.signing_secret) == ("https://hooks.example.com/second", answers["first"].new_secret)


# Queueing and delivering (PostgreSQL, a local HTTP server)


def test_migration_0004_matches_the_vendor_models(database):
    vendor_tables = {
        model.__tablename__ for model in (WebhookEndpoint, WebhookDelivery, ScenarioResult, VendorCertification)
    }

    def vendor_table(item, name, type_, reflected, compare_to):
        table = item if type_ == "table" else getattr(item, "table", None)
        return (name if type_ == "table" else getattr(table, "name", None)) in vendor_tables

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": vendor_table})
        assert compare_metadata(context, Base.metadata) == []


def test_decided_vendor_submission_is_posted_signed_to_the_vendor_endpoint(database, receiver, sender):
    server = receiver()
    secret = configure(database, server.url)
    submission_id, event = decided_submission(database)
    queue(database, event)

    outcome = handlers.deliver_due_webhooks(database, sender, now=NOW)

    assert outcome == handlers.DeliveryRound(delivered=1)
    headers, body = server.received[0]
    verify_signature(secret, body, headers["Cars-Signature"])
    delivery = delivery_of(database, submission_id)
    assert json.loads(body) == {
        "delivery_id": delivery.delivery_id,
        "event": "submission.decided",
        "submission": {
            "submission_id": submission_id,
            "space": "sandbox",
            "status": "accepted",
            "form": "F460",
            "entity_id": "S0000001",
            "filing_id": event["payload"]["filing_id"],
            "amendment": 0,
            "error_count": 0,
            "warning_count": 1,
            "decided_at": NOW.isoformat(),
            "status_url": f"/api/filings/v1/submissions/{submission_id}",
        },
    }
    assert headers["Cars-Delivery"] == delivery.delivery_id
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.delivered_at) == (
        DELIVERED,
        1,
        204,
        NOW,
    )


def test_nothing_is_queued_for_a_person_or_a_vendor_without_a_webhook(database):
    _, by_person = decided_submission(database, vendor_id=None)
    _, by_vendor_without_webhook = decided_submission(database, vendor_id=OTHER_VENDOR)
    queue(database, by_person)
    queue(database, by_vendor_without_webhook)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_a_submission_is_queued_once_however_often_its_decision_arrives(database, receiver):
    configure(database, receiver().url)
    submission_id, event = decided_submission(database)
    queue(database, event)
    queue(database, {**event, "event_id": str(uuid.uuid4())})
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1


def test_a_submission_naming_its_own_webhook_url_on_the_vendors_server_is_posted_there(database, receiver, sender):
    server = receiver()
    configure(database, server.url)
    _, event = decided_submission(database, webhook_url=server.url.replace("/cars/webhooks", "/customers/42/cars"))
    queue(database, event)
    handlers.deliver_due_webhooks(database, sender, now=NOW)
    assert server.paths == ["/customers/42/cars"]


def test_a_submission_webhook_url_on_another_server_goes_to_the_registered_endpoint(database, receiver, sender):
    endpoint, elsewhere = receiver(), receiver()
    configure(database, endpoint.url)
    _, event = decided_submission(database, webhook_url=elsewhere.url)
    queue(database, event)
    handlers.deliver_due_webhooks(database, sender, now=NOW)
    assert (len(endpoint.received), len(elsewhere.received)) == (1, 0)


def test_failing_endpoint_is_retried_with_backoff_and_succeeds_later(database, receiver, sender):
    server = receiver(statuses=[500, 503])
    schedule = RetrySchedule(max_attempts=5, first_backoff=timedelta(minutes=1))
    configure(database, server.url)
    submission_id, event = decided_submission(database)
    queue(database, event)

    first = handlers.deliver_due_webhooks(database, sender, now=NOW, schedule=schedule)
    delivery = delivery_of(database, submission_id)
    assert first == handlers.DeliveryRound(retrying=1)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (PENDING, 1, 500)
    assert delivery.next_attempt_at == NOW + timedelta(minutes=1)
    assert delivery.last_error.startswith("The server answered 500.")

    too_early = handlers.deliver_due_webhooks(database, sender, now=NOW + timedelta(seconds=59), schedule=schedule)
    assert too_early == handlers.DeliveryRound()

    second_try = NOW + timedelta(minutes=1)
    handlers.deliver_due_webhooks(database, sender, now=second_try, schedule=schedule)
    assert delivery_of(database, submission_id).next_attempt_at == second_try + timedelta(minutes=2)

    third = handlers.deliver_due_webhooks(database, sender, now=second_try + timedelta(minutes=2), schedule=schedule)
    delivery = delivery_of(database, submission_id)
    assert third == handlers.DeliveryRound(delivered=1)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DELIVERED, 3, None)
    assert len(server.received) == 3
    assert len({headers["Cars-Delivery"] for headers, _ in server.received}) == 1


def test_delivery_gives_up_after_its_attempts_and_stays_visible_as_failed(database, sender):
    schedule = RetrySchedule(max_attempts=2, first_backoff=timedelta(minutes=1))
    configure(database, f"http://127.0.0.1:{free_port()}/hooks")
    submission_id, event = decided_submission(database)
    queue(database, event)

    handlers.deliver_due_webhooks(database, sender, now=NOW, schedule=schedule)
    last = handlers.deliver_due_webhooks(database, sender, now=NOW + timedelta(minutes=1), schedule=schedule)

    delivery = delivery_of(database, submission_id)
    assert last == handlers.DeliveryRound(failed=1)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (FAILED, 2, None)
    assert "Could not connect" in delivery.last_error
    with database.session() as session:
        assert [d.delivery_id for d in handlers.deliveries_of(session, VENDOR, status=FAILED)] == [delivery.delivery_id]


def test_redelivery_of_a_failed_delivery_gets_a_fresh_round_of_attempts(database, receiver, sender):
    server = receiver(statuses=[500])
    configure(database, server.url)
    submission_id, event = decided_submission(database)
    queue(database, event)
    handlers.deliver_due_webhooks(database, sender, now=NOW, schedule=RetrySchedule(max_attempts=1))
    failed = delivery_of(database, submission_id)
    assert failed.status == FAILED

    later = NOW + timedelta(days=2)
    with database.session() as session:
        handlers.redeliver(session, VENDOR, failed.delivery_id, now=later)
    assert (delivery_of(database, submission_id).status, delivery_of(database, submission_id).attempts) == (PENDING, 0)
    handlers.deliver_due_webhooks(database, sender, now=later)

    delivery = delivery_of(database, submission_id)
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == (DELIVERED, 1, later)
    assert [headers["Cars-Delivery"] for headers, _ in server.received] == [failed.delivery_id] * 2


def test_a_pending_delivery_cannot_be_redelivered_and_another_vendors_is_unknown(database, receiver):
    configure(database, receiver().url)
    submission_id, event = decided_submission(database)
    queue(database, event)
    delivery_id = delivery_of(database, submission_id).delivery_id
    with database.session() as session, pytest.raises(handlers.DeliveryStillPending):
        handlers.redeliver(session, VENDOR, delivery_id)
    with database.session() as session, pytest.raises(handlers.DeliveryNotFound):
        handlers.redeliver(session, OTHER_VENDOR, delivery_id)


def test_a_rotated_secret_signs_the_next_delivery_and_the_old_one_no_longer_verifies(database, receiver, sender):
    server = receiver()
    old_secret = configure(database, server.url)
    with database.session() as session:
        new_secret = handlers.configure_webhook(session, VENDOR, server.url, rotate_secret=True).new_secret
    _, event = decided_submission(database)
    queue(database, event)
    handlers.deliver_due_webhooks(database, sender, now=NOW)

    headers, body = server.received[0]
    assert new_secret != old_secret
    verify_signature(new_secret, body, headers["Cars-Signature"])
    with pytest.raises(SignatureInvalid):
        verify_signature(old_secret, body, headers["Cars-Signature"])


def test_a_delivery_claimed_by_a_worker_that_died_is_tried_again_after_its_lease(database, receiver, sender):
    server = receiver()
    configure(database, server.url)
    submission_id, event = decided_submission(database)
    queue(database, event)
    with database.session() as session:
        handlers.claim_due_deliveries(session, NOW)

    assert handlers.deliver_due_webhooks(database, sender, now=NOW + timedelta(seconds=30)) == handlers.DeliveryRound()
    after_lease = NOW + handlers.CLAIM_LEASE
    assert handlers.deliver_due_webhooks(database, sender, now=after_lease) == handlers.DeliveryRound(delivered=1)
    assert delivery_of(database, submission_id).attempts == 2


# The worker: submission_decided from the bus, delivered by its timer


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def running_worker(tmp_path, amqp_vhost, database):
    log_path = tmp_path / "worker.log"
    env = os.environ | {"AMQP_URI": amqp_vhost, "FILINGS_DATABASE_URL": database.url, "VAR_DIR": str(tmp_path)}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cars_shared.worker_main", "filings.worker:FilingsWorker"], env=env, stderr=log
        )
    try:
        assert wait_for(lambda: "worker_started" in log_path.read_text()), log_path.read_text()
        yield amqp_vhost
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_worker_posts_a_signed_webhook_when_a_vendor_submission_is_decided(running_worker, database, receiver):
    server = receiver()
    secret = configure(database, server.url)
    submission_id, event = decided_submission(database)
    with kombu.Connection(running_worker) as connection:
        exchange = event_exchange("filings")
        connection.Producer(serializer="json").publish(
            event, exchange=exchange, routing_key="submission_decided", declare=[exchange], delivery_mode=2
        )

    assert wait_for(lambda: server.received)
    headers, body = server.received[0]
    verify_signature(secret, body, headers["Cars-Signature"])
    assert json.loads(body)["submission"]["submission_id"] == submission_id
    assert wait_for(lambda: delivery_of(database, submission_id).status == DELIVERED)
