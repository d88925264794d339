import json
import shutil
import socket
import subprocess
import threading
import time

import pytest
from sqlalchemy import func, select

from cars_shared import outbox
from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox as outbox_table
from cars_shared.relay import ConfirmingPublisher, OutboxRelay

pytestmark = [
    pytest.mark.broker_outage,
    pytest.mark.skipif(not shutil.which("rabbitmqctl"), reason="needs rabbitmqctl to stop the local broker"),
]


def answers(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


def pending_count(database):
    with database.session() as session:
        unpublished = outbox_table.c.published_at.is_(None)
        return session.scalar(select(func.count()).select_from(outbox_table).where(unpublished))


def test_relay_loses_nothing_and_keeps_order_through_a_broker_restart(pg_database, amqp_vhost, listen):
    listener = listen("search")
    added: list[str] = []
    stop_adding, stop_relay = threading.Event(), threading.Event()

    def keep_adding():
        n = 0
        while not stop_adding.is_set():
            event = make_event("search", "document_indexed", {"document_id": f"doc-{n}", "kind": "filing"})
            with pg_database.session() as session:
                outbox.add(session, event)
            added.append(event["event_id"])
            n += 1
            time.sleep(0.02)

    relay = OutboxRelay(pg_database, ConfirmingPublisher(amqp_vhost, confirm_timeout=3), max_backoff=0.5)
    threads = [
        threading.Thread(target=keep_adding, daemon=True),
        threading.Thread(target=relay.run, args=(stop_relay.is_set,), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        rabbitmqctl("stop_app")
        try:
            time.sleep(0.5)
            added_before_restart = len(added)
        finally:
            rabbitmqctl("start_app")
            wait_until(lambda: answers(5672), 60, "RabbitMQ to answer on 5672 again")
        time.sleep(0.5)
    finally:
        stop_adding.set()
        threads[0].join(10)

    wait_until(lambda: pending_count(pg_database) == 0, 30, "the relay to publish every event")
    stop_relay.set()
    threads[1].join(10)
    wait_until(lambda: answers(15672), 30, "the management API (the vhost fixture uses it)")

    received = [json.loads(message.body)["event_id"] for message in listener.take_all()]
    first_arrivals = list(dict.fromkeys(received))  # at-least-once: a retried batch may arrive twice
    assert len(added) > added_before_restart > 0
    assert first_arrivals == added
    with pg_database.session() as session:
        retried = session.scalar(select(func.count()).select_from(outbox_table).where(outbox_table.c.attempts > 1))
    assert retried >= 1, "the relay should have met the outage"
