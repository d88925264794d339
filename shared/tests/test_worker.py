import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from datetime import date
from pathlib import Path

import amqp
import kombu
import pytest
from sqlalchemy import func, select

from cars_shared.bus import event_exchange, handler_queue_name
from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.messaging_tables import inbox, outbox
from cars_shared.messaging_tables import metadata as messaging_metadata

TESTS_DIR = Path(__file__).resolve().parent
CARS_WORKER = Path(sys.executable).parent / "cars-worker"


def load_tiny_worker():
    """The worker module, loaded by path here; the worker process imports it by name through PYTHONPATH."""
    spec = importlib.util.spec_from_file_location("tiny_notify_worker", TESTS_DIR / "tiny_notify_worker.py")
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eventlet announces its deprecation on import
        spec.loader.exec_module(module)
    return module


tiny_notify_worker = load_tiny_worker()


def wait_until(condition, timeout, what, process=None, log=None):
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"worker exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}" + (f":\n{log.read_text()}" if log else ""))
        time.sleep(0.1)


def queue_exists(amqp_uri, name):
    with kombu.Connection(amqp_uri) as connection:
        try:
            connection.default_channel.queue_declare(name, passive=True)
            return True
        except amqp.exceptions.NotFound:
            return False


def count(database, table):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table))


@pytest.fixture
def worker_database(postgres_url):
    database = Database(postgres_url("notify"))
    messaging_metadata.create_all(database.engine)
    tiny_notify_worker.metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def worker(worker_database, amqp_vhost, tmp_path):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "AMQP_URI": amqp_vhost,
        "NOTIFY_DATABASE_URL": worker_database.url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")])),
        "OUTBOX_POLL_SECONDS": "0.05",
        "HANDLER_ATTEMPTS": "2",
        "VAR_DIR": str(tmp_path / "var"),
    }
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(CARS_WORKER), "tiny_notify_worker:TinyNotifyWorker"], env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    process.log = log
    queue = handler_queue_name("fees", "fee_assessed", "notify", "on_fee_assessed")
    try:
        wait_until(lambda: queue_exists(amqp_vhost, queue), 60, "the worker's queue", process, log)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_worker_handles_a_redelivered_event_once_and_relays_its_own_event(worker, worker_database, amqp_vhost, listen):
    emails = listen("notify", "email_sent")
    event = make_event(
        "fees",
        "fee_assessed",
        {
            "assessment_id": "a-1",
            "entity_id": "1400001",
            "entity_name": "Friends of Example",
            "fee_year": 2026,
            "amount_cents": 5000,
            "due_date": date(2026, 3, 17),
            "late_penalty_cents": 15000,
        },
    )
    with kombu.Connection(amqp_vhost) as connection:
        producer = connection.Producer()
        for _ in range(2):
            producer.publish(event, exchange=event_exchange("fees"), routing_key="fee_assessed", serializer="json")

    received = []

    def handled_and_duplicate_ignored():
        received.extend(emails.take_all())
        return received and "event_duplicate_ignored" in worker.log.read_text()

    wait_until(
        handled_and_duplicate_ignored,
        30,
        "the event to be handled and its duplicate ignored",
        worker,
        worker.log,
    )

    assert count(worker_database, tiny_notify_worker.fees_seen) == 1
    assert count(worker_database, inbox) == 1
    with worker_database.session() as session:
        assert session.execute(select(outbox.c.published_at)).scalar_one() is not None
    [email] = [json.loads(message.body) for message in received]
    assert email["payload"] == {"email_id": event["event_id"], "user_id": None, "subject": "Annual fee due 2026-03-17"}

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(20) == 0
