"""Events per second from a service's outbox to a consumer's inbox, next to raw kombu on the same broker.

Baseline (raw kombu): one process publishes N persistent 300-byte JSON messages to a topic exchange
with publisher confirms, waiting for the confirms once per batch (as the relay does); another process
consumes and acks them at the same time, with the prefetch a worker uses. Rate = N / (first publish ->
last ack).

Full stack: N filings.entity_registered events are written to a fresh filings outbox (`outbox.add` +
`make_event`, 100 per transaction) BEFORE the clock starts, so the headline measures what carries events
once they are committed: an `OutboxRelay` in one process, the broker, and a real `cars-worker` running
bench/benchsink.py, whose handler inserts one row per event together with its inbox row. The worker is
started first and its queue declared before the relay starts. Rate = N / (relay start -> last inbox row).

    .venv/bin/python bench/bus.py [--scale 2] [--backend sqlite]
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The consumer's module imports nameko, which imports eventlet: both warn about eventlet's deprecation.
warnings.filterwarnings("ignore", message=r"(?s).*[Ee]ventlet")
warnings.filterwarnings("ignore", category=DeprecationWarning)

from _common import BENCH_DIR, BIN, parser, rate, resources  # noqa: E402

DEFAULT_EVENTS = 3000
MESSAGE_BYTES = 300
CONFIRM_BATCH = 500  # the relay's default batch size
EVENTS_PER_TRANSACTION = 100
RAW_EXCHANGE = "bench.raw"
RAW_QUEUE = "bench.raw.sink"


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raw_body() -> dict[str, Any]:
    """A JSON object that serializes to exactly MESSAGE_BYTES bytes."""
    body = {"event_id": str(uuid.uuid4()), "type": "entity_registered", "payload": {"pad": ""}}
    body["payload"]["pad"] = "x" * (MESSAGE_BYTES - len(json.dumps(body)))
    return body


def raw_consumer(amqp_uri: str, count: int, prefetch: int, ready: Any, results: Any) -> None:
    import kombu

    cpu_before = cpu_seconds()
    with kombu.Connection(amqp_uri) as connection:
        channel = connection.channel()
        exchange = kombu.Exchange(RAW_EXCHANGE, type="topic", durable=True)
        queue = kombu.Queue(RAW_QUEUE, exchange, routing_key="entity_registered", durable=True)
        queue(channel).declare()
        received = 0
        last_ack = 0.0

        def on_message(_body: dict[str, Any], message: Any) -> None:
            nonlocal received, last_ack
            message.ack()
            received += 1
            if received == count:
                last_ack = time.time()

        with kombu.Consumer(channel, queues=[queue], callbacks=[on_message], accept=["json"]) as consumer:
            consumer.qos(prefetch_count=prefetch)
            ready.set()
            while received < count:
                connection.drain_events(timeout=120)
    results.put(("consumer", {"last_ack": last_ack, "cpu": cpu_seconds() - cpu_before}))


def raw_producer(amqp_uri: str, count: int, results: Any) -> None:
    import kombu

    confirmed = 0

    def on_ack(delivery_tag: int, _multiple: bool) -> None:
        nonlocal confirmed
        confirmed = max(confirmed, delivery_tag)

    cpu_before = cpu_seconds()
    with kombu.Connection(amqp_uri) as connection:
        channel = connection.channel()
        channel.confirm_select()
        channel.events["basic_ack"].add(on_ack)
        producer = kombu.Producer(channel)
        exchange = kombu.Exchange(RAW_EXCHANGE, type="topic", durable=True)
        bodies = [raw_body() for _ in range(count)]
        published = 0
        first_publish = time.time()
        for start in range(0, count, CONFIRM_BATCH):
            for body in bodies[start : start + CONFIRM_BATCH]:
                producer.publish(
                    body,
                    exchange=exchange,
                    routing_key="entity_registered",
                    serializer="json",
                    delivery_mode=2,
                    retry=False,
                )
                published += 1
            while confirmed < published:
                connection.drain_events(timeout=10)
        last_confirm = time.time()
    results.put(
        ("producer", {"first_publish": first_publish, "last_confirm": last_confirm, "cpu": cpu_seconds() - cpu_before})
    )


def measure_raw_kombu(amqp_uri: str, count: int, prefetch: int) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    results, ready = context.Queue(), context.Event()
    consumer = context.Process(target=raw_consumer, args=(amqp_uri, count, prefetch, ready, results))
    consumer.start()
    if not ready.wait(30):
        raise RuntimeError("raw consumer did not start")
    producer = context.Process(target=raw_producer, args=(amqp_uri, count, results))
    producer.start()
    reports = dict(results.get(timeout=300) for _ in range(2))
    producer.join()
    consumer.join()
    first = reports["producer"]["first_publish"]
    return {
        "seconds": reports["consumer"]["last_ack"] - first,
        "publish_seconds": reports["producer"]["last_confirm"] - first,
        "producer_cpu": reports["producer"]["cpu"],
        "consumer_cpu": reports["consumer"]["cpu"],
    }


def fill_outbox(url: str, count: int) -> float:
    """Write `count` events to a fresh filings outbox; returns the seconds it took."""
    from cars_shared import outbox
    from cars_shared.db import Database
    from cars_shared.events.envelope import make_event
    from cars_shared.messaging_tables import metadata

    database = Database(url)
    metadata.create_all(database.engine)
    started = time.perf_counter()
    for first in range(0, count, EVENTS_PER_TRANSACTION):
        with database.session() as session:
            for number in range(first, min(count, first + EVENTS_PER_TRANSACTION)):
                outbox.add(
                    session,
                    make_event(
                        "filings",
                        "entity_registered",
                        {
                            "entity_id": f"{1400000 + number}",
                            "name": f"Friends of Bench Candidate {number} for Assembly 2026",
                            "entity_type": "recipient_committee",
                            "registered_by": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
                            "registered_on": date(2026, 3, 2),
                            "filing_id": str(uuid.uuid4()),
                        },
                    ),
                )
    seconds = time.perf_counter() - started
    database.dispose()
    return seconds


def run_relay(url: str, amqp_uri: str, stop: Any, results: Any) -> None:
    """The filings outbox relay, timed per batch, until told to stop."""
    from cars_shared.config import OUTBOX_POLL_SECONDS
    from cars_shared.db import Database
    from cars_shared.relay import ConfirmingPublisher, OutboxRelay

    publisher = ConfirmingPublisher(amqp_uri)
    relay = OutboxRelay(Database(url), publisher)
    batches: list[tuple[int, float, float]] = []
    last_published = 0.0
    publish_pending, publish = relay.publish_pending, publisher.publish
    publish_seconds = 0.0

    def timed_publish(events: Any) -> None:
        nonlocal publish_seconds
        started = time.perf_counter()
        publish(events)
        publish_seconds = time.perf_counter() - started

    def timed_publish_pending() -> int:
        nonlocal last_published
        started = time.perf_counter()
        published = publish_pending()
        if published:
            last_published = time.time()
            batches.append((published, time.perf_counter() - started, publish_seconds))
        return published

    publisher.publish = timed_publish
    relay.publish_pending = timed_publish_pending
    cpu_before = cpu_seconds()
    started = time.time()
    relay.run(stop.is_set, poll_seconds=float(OUTBOX_POLL_SECONDS.get()))
    results.put(
        {"started": started, "last_published": last_published, "batches": batches, "cpu": cpu_seconds() - cpu_before}
    )


def wait_for_queue(amqp_uri: str, queue: str, worker: subprocess.Popen, timeout: float = 60) -> None:
    import kombu

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the bench worker exited with {worker.returncode}")
        try:
            with kombu.Connection(amqp_uri) as connection:
                connection.channel().queue_declare(queue, passive=True)
                return
        except Exception:  # noqa: BLE001 - not declared yet
            time.sleep(0.1)
    raise RuntimeError(f"queue {queue} was not declared within {timeout}s")


def as_timestamp(value: datetime | str) -> float:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def wait_for_inbox(
    url: str, count: int, consumer: str, worker: subprocess.Popen, timeout: float
) -> tuple[float, float, int]:
    """Poll the consumer's inbox until `count` events are in; returns (first, last) processed_at and sink rows."""
    from benchsink import sink_record
    from sqlalchemy import func, select

    from cars_shared.db import Database
    from cars_shared.messaging_tables import inbox

    database = Database(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with database.session() as session:
                done, first, last = session.execute(
                    select(func.count(), func.min(inbox.c.processed_at), func.max(inbox.c.processed_at)).where(
                        inbox.c.consumer == consumer
                    )
                ).one()
                if done >= count:
                    rows = session.execute(select(func.count()).select_from(sink_record)).scalar_one()
                    return as_timestamp(first), as_timestamp(last), rows
            if worker.poll() is not None:
                raise RuntimeError(f"the bench worker exited with {worker.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {done} of {count} events reached the inbox within {timeout:.0f}s")
            time.sleep(0.05)
    finally:
        database.dispose()


def profile(pid: int, output: Path) -> subprocess.Popen:
    """py-spy sampling a process into collapsed stacks (`--profile`; py-spy must be installed)."""
    return subprocess.Popen(
        [str(BIN / "py-spy"), "record", "--pid", str(pid), "--format", "raw", "--rate", "200", "--output", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure_full_stack(
    amqp_uri: str,
    producer_url: str,
    consumer_url: str,
    count: int,
    log_path: Path,
    profile_dir: Path | None = None,
    handler_work: str = "none",
) -> dict[str, Any]:
    from benchsink import CONSUMER, QUEUE
    from benchsink import metadata as sink_metadata

    from cars_shared.db import Database
    from cars_shared.messaging_tables import metadata as messaging_metadata

    consumer_db = Database(consumer_url)
    messaging_metadata.create_all(consumer_db.engine)
    sink_metadata.create_all(consumer_db.engine)
    consumer_db.dispose()
    fill_seconds = fill_outbox(producer_url, count)

    environment = dict(
        os.environ,
        AMQP_URI=amqp_uri,
        SEARCH_DATABASE_URL=consumer_url,
        BENCHSINK_WORK=handler_work,
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH", "")])),
    )
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    relay: Any = None
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [str(BIN / "cars-worker"), "benchsink:BenchSinkWorker"], env=environment, stderr=log, stdout=log
        )
        try:
            wait_for_queue(amqp_uri, QUEUE, worker)
            worker_cpu_before = process_cpu_seconds(worker.pid)
            relay = context.Process(target=run_relay, args=(producer_url, amqp_uri, stop, results))
            relay.start()
            profilers = (
                [profile(worker.pid, profile_dir / "worker.txt"), profile(relay.pid, profile_dir / "relay.txt")]
                if profile_dir
                else []
            )
            try:
                first, last, sink_rows = wait_for_inbox(consumer_url, count, CONSUMER, worker, timeout=60 + count / 20)
            except RuntimeError:
                log.flush()
                lines = log_path.read_text(errors="replace").splitlines()
                print("\n".join(["last lines of the bench worker's log:", *lines[-15:]]), file=sys.stderr)
                raise
            worker_cpu = process_cpu_seconds(worker.pid) - worker_cpu_before
            stop.set()
            relay_report = results.get(timeout=60)
            relay.join(30)
            for profiler in profilers:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(30)
        finally:
            stop.set()
            if relay is not None and relay.is_alive():
                relay.terminate()
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    batches = relay_report["batches"]
    started = relay_report["started"]
    return {
        "fill_seconds": fill_seconds,
        "seconds": last - started,
        "relay_seconds": relay_report["last_published"] - started,
        "first_inbox": first - started,
        "consumer_seconds": last - first,
        "sink_rows": sink_rows,
        "batches": len(batches),
        "published": sum(size for size, _, _ in batches),
        "batch_seconds": sum(seconds for _, seconds, _ in batches),
        "publish_seconds": sum(publish for _, _, publish in batches),
        "relay_cpu": relay_report["cpu"],
        "worker_cpu": worker_cpu,
    }


def main() -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--profile", type=Path, help="folder for py-spy collapsed stacks of the worker and the relay"
    )
    arguments = arguments.parse_args()
    count = max(1, int(DEFAULT_EVENTS * arguments.scale))
    from cars_shared.config import WORKER_MAX_WORKERS, WORKER_PREFETCH

    # The baseline consumer prefetches as much as the worker does, so neither is handicapped.
    prefetch = int(WORKER_PREFETCH.get())
    max_workers = int(WORKER_MAX_WORKERS.get())
    with resources(arguments.backend) as held:
        print(
            f"events: {count}, backend: {arguments.backend}, message: {MESSAGE_BYTES} bytes raw, "
            f"confirm batch: {CONFIRM_BATCH}, "
            f"prefetch (raw and worker): {prefetch}, worker max_workers: {max_workers}"
        )
        raw = measure_raw_kombu(held.vhost(), count, prefetch)
        raw_rate = rate(count, raw["seconds"])
        print(
            f"raw kombu: {raw['seconds']:.3f}s first publish -> last ack ({raw_rate:.0f} events/s); "
            f"publishing with confirms took {raw['publish_seconds']:.3f}s; "
            f"cpu producer {raw['producer_cpu']:.2f}s, consumer {raw['consumer_cpu']:.2f}s"
        )

        full = measure_full_stack(
            held.vhost(),
            held.database("filings"),
            held.database("benchsink"),
            count,
            held.tmp_path("benchsink-worker.log"),
            arguments.profile,
        )
        full_rate = rate(count, full["seconds"])
        # The same again with a handler that writes one row per event, to show what handler work costs.
        with_insert = measure_full_stack(
            held.vhost(),
            held.database("filings"),
            held.database("benchsink"),
            count,
            held.tmp_path("benchsink-worker-insert.log"),
            handler_work="insert",
        )
        insert_rate = rate(count, with_insert["seconds"])
        db_seconds = full["batch_seconds"] - full["publish_seconds"]
        print(
            f"outbox fill (before the clock): {full['fill_seconds']:.3f}s "
            f"({rate(count, full['fill_seconds']):.0f} events/s, {EVENTS_PER_TRANSACTION} per transaction)"
        )
        print(
            f"relay: {full['published']} events in {full['batches']} batches, "
            f"all published {full['relay_seconds']:.3f}s after start "
            f"({rate(full['published'], full['relay_seconds']):.0f} events/s); inside batches "
            f"{full['publish_seconds']:.3f}s publish+confirm, {db_seconds:.3f}s database; cpu {full['relay_cpu']:.2f}s"
        )
        print(
            f"worker: first inbox row {full['first_inbox']:.3f}s after relay start, last after {full['seconds']:.3f}s "
            f"(consuming span {full['consumer_seconds']:.3f}s); "
            f"cpu {full['worker_cpu']:.2f}s ({full['worker_cpu'] / count * 1000:.2f} ms/event)"
        )
        print(f"full stack: {full['seconds']:.3f}s relay start -> last inbox row ({full_rate:.0f} events/s)")
        print(
            f"full stack with one insert per event in the handler: {with_insert['seconds']:.3f}s "
            f"({insert_rate:.0f} events/s, ratio {insert_rate / raw_rate:.2f}; "
            f"worker cpu {with_insert['worker_cpu'] / count * 1000:.2f} ms/event, {with_insert['sink_rows']} sink rows)"
        )
    print(f"bus: {full_rate:.0f} events/s (ratio {full_rate / raw_rate:.2f} vs raw kombu)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
