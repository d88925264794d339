"""Acceptance: a scripted scenario of internal events reaches a plain-kombu partner process and the HTTP feed.

The notify worker runs as it is deployed; filings' and fees' events are published on a fresh vhost as their relays
publish them; the example consumer of docs/partners runs as a separate process, is stopped part-way and resumed.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import kombu
import pytest
from sqlalchemy import func, select

from cars_shared.bus import event_exchange
from cars_shared.data_keys import new_data_key_text
from cars_shared.events import make_event
from cars_shared.events.registry import load_all, payload_schema
from notify.gateway import create_app
from notify.partners.models import FeedEvent
from notify.partners.publisher import watermark

EXAMPLE_CONSUMER = Path(__file__).resolve().parents[3] / "docs" / "partners" / "example_consumer.py"
QUEUE = "partner-example.events"
PRIVATE = "12 Private Lane, Sacramento"


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def internal(producer, type_, **changes):
    example = load_all()[(producer, type_, 1)].example
    event = make_event(producer, type_, payload_schema(producer, type_).load({**example, **changes}))
    # A field an upstream producer might add one day, which no public contract names.
    event["payload"]["treasurer_home_address"] = PRIVATE
    return event


def publish(amqp_uri, events):
    """Publish as the producers' relays do: to `<producer>.events`, routing key = event type, persistent."""
    with kombu.Connection(amqp_uri) as connection:
        producer = connection.Producer(serializer="json")
        for event in events:
            exchange = event_exchange(event["producer"])
            producer.publish(event, exchange=exchange, routing_key=event["type"], declare=[exchange], delivery_mode=2)


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


def exchange_exists(amqp_uri):
    try:
        with kombu.Connection(amqp_uri) as connection:
            kombu.Exchange("cars.public", type="topic", passive=True)(connection.default_channel).declare()
        return True
    except Exception:  # noqa: BLE001 - not declared yet
        return False


def worker_handlers_bound(amqp_uri):
    """The worker's partner consumers have their queues (so events published now reach it)."""
    with kombu.Connection(amqp_uri) as connection:
        try:
            for producer, type_ in (("filings", "entity_terminated"), ("fees", "fine_waived")):
                method = "publish_" + type_
                kombu.Queue(f"evt-{producer}-{type_}--notify.{method}", passive=True)(
                    connection.default_channel
                ).declare()
        except Exception:  # noqa: BLE001 - not declared yet
            return False
    return True


@pytest.fixture
def running_worker(tmp_path, amqp_vhost, database, smtp_sink):
    log_path = tmp_path / "worker.log"
    env = os.environ | {
        "AMQP_URI": amqp_vhost,
        "NOTIFY_DATABASE_URL": database.url,
        "SMTP_URL": smtp_sink.url,
        "PORTAL_URL": "https://cars.example",
        "VAR_DIR": str(tmp_path),
        "NOTIFY_ALERT_SIGNING_KEY": "alert-signing-key-of-the-partner-test-" + "k" * 10,
        "NOTIFY_DATA_KEY": new_data_key_text(),
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cars_shared.worker_main", "notify.worker:NotifyWorker"], env=env, stderr=log
        )
    try:
        assert wait_for(lambda: exchange_exists(amqp_vhost) and worker_handlers_bound(amqp_vhost)), log_path.read_text()
        yield amqp_vhost
    finally:
        process.terminate()
        process.wait(timeout=30)


class ExampleConsumer:
    """The partner's process: docs/partners/example_consumer.py, run with the test's interpreter."""

    def __init__(self, amqp_uri, checkpoint, stop_after):
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(EXAMPLE_CONSUMER),
                "--amqp-uri",
                amqp_uri,
                "--queue",
                QUEUE,
                "--checkpoint",
                str(checkpoint),
                "--stop-after",
                str(stop_after),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert "listening on" in self.process.stderr.readline()

    def events(self, timeout=20):
        out, err = self.process.communicate(timeout=timeout)
        assert self.process.returncode == 0, err
        return [json.loads(line) for line in out.splitlines()]


def public_count(database):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(FeedEvent)), watermark(session)


def http_feed(client, after=None, page=3):
    events, cursor = [], after
    while True:
        query = f"?limit={page}" + (f"&after={cursor}" if cursor else "")
        answer = client.get("/api/notify/partners/feed" + query).get_json()
        if not answer["events"]:
            return events
        events += answer["events"]
        cursor = answer["next"]


def test_a_partner_process_gets_every_public_event_once_in_order_and_the_feed_agrees(
    running_worker, database, tmp_path, token_mint
):
    amqp_uri = running_worker
    checkpoint = tmp_path / "partner.checkpoint"
    first_run = ExampleConsumer(amqp_uri, checkpoint, stop_after=4)
    publish(
        amqp_uri,
        [
            internal("filings", "entity_registered", entity_id="1400001"),
            internal("filings", "filing_accepted", entity_id="1400001", filing_id="f-1"),
            internal("filings", "filing_accepted", entity_id="S0000001", filing_id="sandbox-1"),
            internal("filings", "entity_registered", entity_id="S0000002"),
            internal("fees", "fine_assessed", entity_id="1400001"),
            internal("filings", "entity_registered", entity_id="1400002"),
        ],
    )
    seen_first = first_run.events()
    assert len(seen_first) >= 4

    # While the partner is stopped, more happens.
    publish(
        amqp_uri,
        [
            internal("filings", "filing_amended", entity_id="1400001", filing_id="f-1"),
            internal("fees", "fine_waived", entity_id="1400001"),
            internal("filings", "entity_terminated", entity_id="1400002"),
        ],
    )
    assert wait_for(lambda: public_count(database) == (7, 7)), public_count(database)
    second_run = ExampleConsumer(amqp_uri, checkpoint, stop_after=7 - len(seen_first))
    seen = seen_first + second_run.events()

    assert [event["sequence"] for event in seen] == [1, 2, 3, 4, 5, 6, 7]
    assert len({event["event_id"] for event in seen}) == 7
    assert sorted(event["type"] for event in seen) == sorted(
        [
            "entity.registered",
            "entity.registered",
            "filing.accepted",
            "fine.assessed",
            "filing.amended",
            "fine.waived",
            "entity.terminated",
        ]
    )
    text = json.dumps(seen)
    assert PRIVATE not in text and "treasurer_home_address" not in text
    assert "S000000" not in text and "sandbox-1" not in text

    client = create_app(database=database, verifier=token_mint.verifier).test_client()
    assert http_feed(client) == seen
    # A feed reader resuming from the cursor it kept misses nothing either.
    first_page = client.get("/api/notify/partners/feed?limit=4").get_json()
    assert first_page["events"] + http_feed(client, after=first_page["next"]) == seen
