"""nameko plumbing for service workers: the datastore dependency, the outbox relay, reliable consumers."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import eventlet
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer

from cars_shared.bus import handler_queue_name
from cars_shared.config import HANDLER_ATTEMPTS, HANDLER_BATCH_SIZE, OUTBOX_POLL_SECONDS, database_url
from cars_shared.db import Database
from cars_shared.inbox import EventConsumer, Relevance
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
        # Workers retry a failed transaction anyway, so they skip the liveness query before each one.
        self.database = Database(database_url(self.service), pool_pre_ping=False)
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


class PrefetchingQueueConsumer(QueueConsumer):
    """nameko's queue consumer, prefetching enough messages to fill batches (config PREFETCH_COUNT)."""

    @property
    def prefetch_count(self) -> int:
        return int(self.container.config.get("PREFETCH_COUNT", self.container.max_workers))


class BatchingEventHandler(EventHandler):
    """A nameko event handler that hands the worker a list of bodies: what arrived within `linger` seconds.

    Every message of a batch is acked (or requeued, if even parking failed) once its worker is done.
    """

    queue_consumer = PrefetchingQueueConsumer()

    def __init__(
        self, source_service: str, event_type: str, batch_size: int = 100, linger: float = 0.002, **kwargs: Any
    ) -> None:
        super().__init__(source_service, event_type, **kwargs)
        self.batch_size = batch_size
        self.linger = linger

    def setup(self) -> None:
        super().setup()
        self._buffer: list[tuple[Any, Any]] = []
        self._flusher: Any = None

    def handle_message(self, body: Any, message: Any) -> None:
        self._buffer.append((body, message))
        if len(self._buffer) >= self.batch_size:
            self._flush()
        elif self._flusher is None:
            self._flusher = eventlet.spawn_after(self.linger, self._flush)

    def _flush(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        batch, self._buffer = self._buffer, []
        if not batch:
            return
        messages = [message for _body, message in batch]
        try:
            self.container.spawn_worker(
                self,
                ([body for body, _message in batch],),
                {},
                context_data=self.unpack_message_headers(messages[0]),
                handle_result=functools.partial(self._handle_batch_result, messages),
            )
        except ContainerBeingKilled:
            for message in messages:
                self.queue_consumer.requeue_message(message)

    def _handle_batch_result(
        self, messages: list[Any], worker_ctx: Any, result: Any = None, exc_info: Any = None
    ) -> tuple[Any, Any]:
        for message in messages:
            self.handle_message_processed(message, result, exc_info)
        return result, exc_info


def consumes(producer: str, event_type: str, *, together: bool = False, relevant: Relevance | None = None) -> Callable:
    """Mark a worker method `(self, session, event)` as the idempotent handler of an event.

    Events arriving together are handled in one transaction (falling back to one at a time if any fails);
    each is handled at most once per id (inbox), retried with backoff, then parked with its error. A message
    is requeued only if even parking failed, so nothing is acked and forgotten.

    With `together`, the method is `(self, session, events)` and gets the new events of such a batch as one
    list, to work on them as a whole (one query for all instead of one each); a list of one when redone alone.

    With `relevant`, a predicate of the checked event (it must not raise), the events it says are none of the
    method's business are acked without a transaction: the method would do nothing with them.
    """

    def decorate(method: Callable[[Any, Any, Any], None]) -> Callable:
        @functools.wraps(method)
        def entrypoint(self: Any, bodies: list[Any]) -> list[str]:
            service = type(self).name
            queue = handler_queue_name(producer, event_type, service, method.__name__)
            consumer = self.store.consumer
            handle = consumer.handle_batch_together if together else consumer.handle_batch
            return handle(f"{service}.{method.__name__}", queue, bodies, functools.partial(method, self), relevant)

        batch_size = int(HANDLER_BATCH_SIZE.get())
        return BatchingEventHandler.decorator(producer, event_type, batch_size=batch_size, requeue_on_error=True)(
            entrypoint
        )

    return decorate
