"""The fees worker: thin nameko entrypoints over the handlers."""

from typing import Any

from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from fees import handlers


class FeesWorker:
    name = "fees"
    store = ServiceStore("fees")

    @consumes("filings", "entity_registered")
    def on_entity_registered(self, session: Session, event: dict[str, Any]) -> None:
        handlers.assess_fee_on_registration(session, event)
