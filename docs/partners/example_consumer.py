"""A CARS partner consumer in plain kombu: every public event once, in order, resuming from a checkpoint.

    pip install kombu
    python example_consumer.py --amqp-uri amqp://partner-example:SECRET@broker.example/cars \\
        --queue partner-example.events --checkpoint example.checkpoint

Each new event is printed as one JSON line on standard output. The queue is durable, so events published while
the consumer is stopped wait for it. An event is acknowledged only after it was handled and the checkpoint (the
last sequence handled) saved; an event redelivered after a crash has a sequence at or below the checkpoint and
is skipped, so each event id is handled once. Keep the checkpoint in the same transaction as what you do with
the event, and the same holds for your data.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import kombu

# CARS declares the exchange; partners may only bind their own queues to it, so it is never declared here.
EXCHANGE = kombu.Exchange("cars.public", type="topic", durable=True, auto_delete=False, no_declare=True)


class Checkpoint:
    """The last sequence handled, kept in a file replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sequence = int(path.read_text()) if path.exists() else 0

    def save(self, sequence: int) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(str(sequence))
        os.replace(temporary, self.path)
        self.sequence = sequence


def handle(event: dict[str, Any]) -> None:
    """What the partner does with an event: here, print it."""
    print(json.dumps(event, separators=(",", ":")), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--amqp-uri", required=True, help="amqp://user:password@host:port/vhost")
    parser.add_argument("--queue", required=True, help="partner-<your account>.<name>")
    parser.add_argument("--checkpoint", required=True, type=Path, help="file keeping the last sequence handled")
    parser.add_argument("--routing-key", action="append", help="event types to bind (default: all, '#')")
    parser.add_argument("--stop-after", type=int, help="exit after handling this many new events")
    args = parser.parse_args(argv)

    checkpoint = Checkpoint(args.checkpoint)
    keys = args.routing_key or ["#"]
    queue = kombu.Queue(
        args.queue,
        bindings=[kombu.binding(EXCHANGE, routing_key=key) for key in keys],
        durable=True,
        auto_delete=False,
    )
    handled = 0
    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def on_message(message: Any) -> None:
        nonlocal handled
        event = json.loads(message.body)
        if event["sequence"] > checkpoint.sequence:
            handle(event)
            checkpoint.save(event["sequence"])
            handled += 1
        message.ack()

    with kombu.Connection(args.amqp_uri) as connection:
        channel = connection.channel()
        with kombu.Consumer(channel, [queue], on_message=on_message, no_ack=False, prefetch_count=100):
            print(f"listening on {args.queue} after sequence {checkpoint.sequence}", file=sys.stderr, flush=True)
            while not stopping and (args.stop_after is None or handled < args.stop_after):
                try:
                    connection.drain_events(timeout=1)
                except TimeoutError:
                    continue
    return 0


if __name__ == "__main__":
    sys.exit(main())
