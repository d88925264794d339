"""The public event stream: the feed to a partner's queue and through the HTTP feed, next to raw kombu.

Set-up (not timed in the headline): N internal events as filings and fees publish them (registrations, filings,
amendments, fines, waivers) are translated and recorded in a fresh, migrated notify database on PostgreSQL by
`notify.partners.handlers.record_public_events`, 100 per transaction as the worker's consumers batch them; that
rate is printed as a detail. (How fast the worker takes internal events off the bus is bench/bus.py's subject.)

- AMQP: a partner process (plain kombu, its queue bound to `cars.public` with `#`, prefetch 100, an ack per
  message, as docs/partners/example_consumer.py) waits; then `FeedPublisher` tails the feed to the exchange with
  publisher confirms and its watermark, in batches of 500, as the notify worker runs it. Rate = N / (publisher
  start -> the partner's last ack).
- HTTP: the notify gateway under gunicorn (one process, two threads) answers `GET /api/notify/partners/feed`
  pages of 1,000 from the first cursor to the last. Rate = N / (first request -> last page).
- Baseline, same run and broker: one process publishes N persistent messages of the same size to a topic
  exchange on a kombu connection, as fast as its channel sends (no socket poll per message), confirms awaited
  once per 500, while a second consumes and acks them with prefetch 100.
  Rate = N / (first publish -> last ack).

    .venv/bin/python bench/partners.py [--scale 2]      # 5,000 events by default

Headline (last line): `partners: <n> events/s (ratio <r> vs raw kombu)`, n being the slower of the two
channels (target: ratio at least 0.5).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore", category=DeprecationWarning)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BIN, parser, rate, resources  # noqa: E402

DEFAULT_EVENTS = 5000
RECORD_BATCH = 100
PUBLISH_BATCH = 500
PREFETCH = 100
PAGE = 1000
RAW_EXCHANGE = "bench.raw-public"
PARTNER_QUEUE = "partner-bench.all"


def internal_events(count: int) -> list[dict[str, Any]]:
    """A mix of the internal events that have a public form, as their producers publish them."""
    from cars_shared.events import make_event
    from cars_shared.events.envelope import read_event
    from cars_shared.events.registry import load_all, payload_schema

    kinds = (
        ("filings", "entity_registered"),
        ("filings", "filing_accepted"),
        ("filings", "filing_accepted"),
        ("filings", "filing_amended"),
        ("fees", "fine_assessed"),
        ("filings", "entity_updated"),
        ("fees", "fine_waived"),
        ("filings", "entity_terminated"),
    )
    specs = load_all()
    events = []
    for number in range(count):
        producer, type_ = kinds[number % len(kinds)]
        example = dict(specs[(producer, type_, 1)].example)
        example["entity_id"] = str(2_000_000 + number % 997)
        if "filing_id" in example and example["filing_id"] is not None:
            example["filing_id"] = str(uuid.uuid4())
        payload = payload_schema(producer, type_).load(example)
        events.append(read_event(make_event(producer, type_, payload)))
    return events


def record_all(url: str, events: list[dict[str, Any]]) -> float:
    """Translate and record every event, RECORD_BATCH per transaction; returns the seconds it took."""
    from cars_shared.db import Database
    from notify.partners.handlers import record_public_events

    database = Database(url)
    started = time.perf_counter()
    for start in range(0, len(events), RECORD_BATCH):
        with database.session() as session:
            record_public_events(
                session, events[start : start + RECORD_BATCH], "https://cars.example", datetime.now(UTC)
            )
    seconds = time.perf_counter() - started
    database.dispose()
    return seconds


def partner_consumer(amqp_uri: str, queue_name: str, exchange_name: str, count: int, ready: Any, results: Any) -> None:
    """The partner's process: plain kombu, one ack per message; reports when the last one was acked."""
    import kombu

    exchange = kombu.Exchange(exchange_name, type="topic", durable=True, auto_delete=False)
    queue = kombu.Queue(queue_name, exchange, routing_key="#", durable=True)
    received = 0
    last_ack = 0.0
    with kombu.Connection(amqp_uri) as connection:
        channel = connection.channel()
        queue(channel).declare()

        def on_message(message: Any) -> None:
            nonlocal received, last_ack
            json.loads(message.body)
            message.ack()
            received += 1
            if received == count:
                last_ack = time.time()

        with kombu.Consumer(channel, [queue], on_message=on_message, prefetch_count=PREFETCH):
            ready.set()
            while received < count:
                connection.drain_events(timeout=120)
    results.put(("consumer", last_ack))


def raw_producer(amqp_uri: str, bodies: list[bytes], results: Any) -> None:
    """Publish persistent messages to a topic exchange, awaiting confirms once per PUBLISH_BATCH."""
    import amqp
    import kombu

    PUBLISH = amqp.spec.Basic.Publish  # noqa: N806 - the method's name as py-amqp spells it

    confirmed = 0

    def on_ack(delivery_tag: int, _multiple: bool) -> None:
        nonlocal confirmed
        confirmed = max(confirmed, delivery_tag)

    with kombu.Connection(amqp_uri) as connection:
        channel = connection.channel()
        kombu.Exchange(RAW_EXCHANGE, type="topic", durable=True, auto_delete=False)(channel).declare()
        channel.confirm_select()
        channel.events["basic_ack"].add(on_ack)
        first_publish = time.time()
        published = 0
        for start in range(0, len(bodies), PUBLISH_BATCH):
            for body in bodies[start : start + PUBLISH_BATCH]:
                message = amqp.Message(body, content_type="application/json", delivery_mode=2)
                # The fastest way a kombu channel sends (no socket poll per message), as the feed publisher sends.
                channel.send_method(PUBLISH, "Bssbb", (0, RAW_EXCHANGE, "filing.accepted", False, False), message)
                published += 1
            while confirmed < published:
                connection.drain_events(timeout=10)
    results.put(("producer", first_publish))


def start_consumer(amqp_uri: str, queue: str, exchange: str, count: int) -> tuple[Any, Any]:
    context = multiprocessing.get_context("spawn")
    results, ready = context.Queue(), context.Event()
    consumer = context.Process(target=partner_consumer, args=(amqp_uri, queue, exchange, count, ready, results))
    consumer.start()
    if not ready.wait(30):
        raise RuntimeError("partner consumer did not start")
    return consumer, results


def measure_raw_kombu(amqp_uri: str, bodies: list[bytes]) -> float:
    consumer, results = start_consumer(amqp_uri, "bench-raw.all", RAW_EXCHANGE, len(bodies))
    context = multiprocessing.get_context("spawn")
    producer = context.Process(target=raw_producer, args=(amqp_uri, bodies, results))
    producer.start()
    reports = dict(results.get(timeout=300) for _ in range(2))
    producer.join()
    consumer.join()
    return reports["consumer"] - reports["producer"]


def measure_amqp(url: str, amqp_uri: str, count: int) -> tuple[float, int]:
    """Seconds from publisher start to the partner's last ack, and the publisher's batches."""
    from cars_shared.db import Database
    from notify.partners.contracts import EXCHANGE
    from notify.partners.publisher import ConfirmingChannel, FeedPublisher

    database = Database(url)
    publisher = FeedPublisher(database, ConfirmingChannel(amqp_uri), batch_size=PUBLISH_BATCH)
    publisher.channel.ensure()
    consumer, results = start_consumer(amqp_uri, PARTNER_QUEUE, EXCHANGE, count)
    started = time.time()
    batches = 0
    while publisher.publish_pending():
        batches += 1
    publisher.channel.close()
    _, last_ack = results.get(timeout=300)
    consumer.join()
    database.dispose()
    return last_ack - started, batches


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_http(url: str, count: int) -> float:
    """Seconds to read the whole feed, page by page, from the gateway under gunicorn."""
    import requests

    port = free_port()
    env = os.environ | {"NOTIFY_DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    gateway = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "1", "--threads", "2", "-b", f"127.0.0.1:{port}", "notify.gateway:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/notify/partners/feed"
    try:
        with requests.Session() as session:
            deadline = time.monotonic() + 30
            while True:
                try:
                    session.get(f"{base}?limit=1", timeout=5).raise_for_status()
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            started = time.perf_counter()
            received, cursor = 0, None
            while True:
                answer = session.get(base, params={"limit": PAGE, **({"after": cursor} if cursor else {})}, timeout=30)
                answer.raise_for_status()
                page = answer.json()
                if not page["events"]:
                    break
                received += len(page["events"])
                cursor = page["next"]
            seconds = time.perf_counter() - started
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
    if received != count:
        raise RuntimeError(f"the HTTP feed gave {received} events, not {count}")
    return seconds


def main() -> int:
    arguments = parser(__doc__.split("\n")[0])
    args = arguments.parse_args()
    count = max(1, int(DEFAULT_EVENTS * args.scale))
    from cars_shared.migrate import upgrade
    from cars_shared.testing import migrations_of

    with resources(args.backend) as held:
        url = held.database("notify")
        upgrade(migrations_of("notify"), url)
        events = internal_events(count)
        record_seconds = record_all(url, events)
        print(f"partners: {count} internal events translated and recorded at {rate(count, record_seconds):.0f}/s")

        from sqlalchemy import select

        from cars_shared.db import Database
        from notify.partners.models import FeedEvent

        database = Database(url)
        with database.session() as session:
            bodies = [body.encode() for body in session.scalars(select(FeedEvent.body).order_by(FeedEvent.sequence))]
        database.dispose()
        average = sum(map(len, bodies)) / len(bodies)

        raw_seconds = measure_raw_kombu(held.vhost(), bodies)
        raw_rate = rate(count, raw_seconds)
        print(f"partners: raw kombu publish (confirms per {PUBLISH_BATCH}) -> consume+ack: {raw_rate:.0f} events/s")

        amqp_seconds, batches = measure_amqp(url, held.vhost(), count)
        amqp_rate = rate(count, amqp_seconds)
        print(
            f"partners: feed -> cars.public -> partner queue: {amqp_rate:.0f} events/s in {batches} confirmed batches "
            f"(ratio {amqp_rate / raw_rate:.2f} vs raw kombu; {average:.0f}-byte events)"
        )

        http_seconds = measure_http(url, count)
        http_rate = rate(count, http_seconds)
        print(
            f"partners: HTTP feed, pages of {PAGE}: {http_rate:.0f} events/s "
            f"(ratio {http_rate / raw_rate:.2f} vs raw kombu)"
        )

        slower = min(amqp_rate, http_rate)
        print(f"partners: {slower:.0f} events/s (ratio {slower / raw_rate:.2f} vs raw kombu)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
