"""The worker's webhook sender as a nameko dependency (kept apart so that the gateway never loads nameko)."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from filings.vendors.sender import WebhookSender


class WebhookPoster(DependencyProvider):
    """The worker's webhook sender, one per worker process, closed when the worker stops."""

    def setup(self) -> None:
        self.sender = WebhookSender()

    def stop(self) -> None:
        self.sender.close()

    def get_dependency(self, worker_ctx: Any) -> WebhookSender:
        return self.sender
