"""The partner stream inside the notify worker: the feed publisher running for as long as the worker runs."""

from __future__ import annotations

import threading
from typing import Any

from nameko.extensions import DependencyProvider

from cars_shared.config import OUTBOX_POLL_SECONDS, database_url
from cars_shared.db import Database
from notify.partners.publisher import ConfirmingChannel, FeedPublisher
from notify.partners.webhooks import WebhookSender


class PartnerStream(DependencyProvider):
    """Tails the feed to the `cars.public` exchange in a managed thread; gives workers the webhook sender."""

    def __init__(self) -> None:
        self._stopping = threading.Event()

    def setup(self) -> None:
        self.database = Database(database_url("notify"), pool_pre_ping=False)
        self.publisher = FeedPublisher(self.database, ConfirmingChannel(self.container.config["AMQP_URI"]))
        self.sender = WebhookSender()

    def start(self) -> None:
        self._stopping.clear()
        poll = float(OUTBOX_POLL_SECONDS.get())
        self.container.spawn_managed_thread(
            lambda: self.publisher.run(self._stopping.is_set, poll_seconds=poll), identifier="partner_feed_publisher"
        )

    def stop(self) -> None:
        self._stopping.set()

    def kill(self) -> None:
        self._stopping.set()

    def get_dependency(self, worker_ctx: Any) -> PartnerStream:
        return self
