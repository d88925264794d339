"""The filings worker: thin nameko entrypoints over the handlers."""

from typing import Any

from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from filings import handlers


class FilingsWorker:
    name = "filings"
    store = ServiceStore("filings")

    @consumes("accounts", "entity_link_approved")
    def on_entity_link_approved(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_entity_link(session, event)

    @consumes("accounts", "entity_link_role_changed")
    def on_entity_link_role_changed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_entity_link(session, event)

    @consumes("accounts", "entity_link_revoked")
    def on_entity_link_revoked(self, session: Session, event: dict[str, Any]) -> None:
        handlers.remove_entity_link(session, event)
