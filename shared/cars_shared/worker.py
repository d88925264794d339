"""nameko plumbing for service workers: the datastore dependency, the outbox relay, reliable consumers."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from nameko.events import event_handler
from nameko.extensions import DependencyProvider

from cars_shared.bus import handler_queue_name
from cars_shared.config import HANDLER_ATTEMPTS, OUTBOX_POLL_SECONDS, database_url
from cars_shared.db import Database
from cars_shared.inbox import EventConsumer
from cars_shared.parking import ParkingLot
from cars_shared.relay import ConfirmingPublisher, OutboxRelay


class Store:
    """What a worker method gets as `self.store`: the service's database and its reliable consumer."""

    def __init__(self, database: Database, consumer: EventConsumer) -> None:
        self.database = database
        self.consumer = consumer


class ServiceStore(DependencyProvider):
    """The service's database, plus its outbox relay running for as long as the worker runs."""

    def __init__(self, service: str, relay: bool = True) -> None:
        self.service = service
        self.relay_enabled = relay
        self._stopping = threading.Event()

    def setup(self) -> None:
        amqp_uri = self.container.config["AMQP_URI"]
        self.database = Database(database_url(self.service))
        parking = ParkingLot(amqp_uri, self.service)
        self.store = Store(self.database, EventConsumer(self.database, parking, attempts=int(HANDLER_ATTEMPTS.get())))
        self.relay = OutboxRelay(self.database, ConfirmingPublisher(amqp_uri))

    def start(self) -> None:
        if self.relay_enabled:
            self._stopping.clear()
            poll = float(OUTBOX_POLL_SECONDS.get())
            self.container.spawn_managed_thread(
                lambda: self.relay.run(self._stopping.is_set, poll_seconds=poll), identifier="outbox_relay"
            )

    def stop(self) -> None:
        self._stopping.set()

    def kill(self) -> None:
        self._stopping.set()

    def get_dependency(self, worker_ctx: Any) -> Store:
        return self.store


def consumes(producer: str, event_type: str) -> Callable:
    """Mark a worker method `(self, session, event)` as the idempotent handler of an event.

    The event is handled at most once per id (inbox), retried with backoff, then parked with its error;
    the message is requeued only if even parking failed, so nothing is acked and forgotten.
    """

    def decorate(method: Callable[[Any, Any, dict[str, Any]], None]) -> Callable:
        @functools.wraps(method)
        def entrypoint(self: Any, body: dict[str, Any]) -> str:
            service = type(self).name
            queue = handler_queue_name(producer, event_type, service, method.__name__)
            return self.store.consumer.handle(
                f"{service}.{method.__name__}", queue, body, functools.partial(method, self)
            )

        return event_handler(producer, event_type, requeue_on_error=True)(entrypoint)

    return decorate
