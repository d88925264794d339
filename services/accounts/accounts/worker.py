"""The accounts worker: thin nameko entrypoints over the handlers."""

from typing import Any

from sqlalchemy.orm import Session

from accounts import handlers
from accounts.links import handlers as link_handlers
from accounts.links import legacy as legacy_entities
from accounts.vendors import handlers as vendor_handlers
from cars_shared.worker import ServiceStore, consumes


class AccountsWorker:
    name = "accounts"
    store = ServiceStore("accounts")

    @consumes("filings", "entity_registered")
    def on_entity_registered(self, session: Session, event: dict[str, Any]) -> None:
        handlers.link_registrant_to_entity(session, event)

    @consumes("filings", "entity_registered")
    def on_entity_registered_record_origin(self, session: Session, event: dict[str, Any]) -> None:
        link_handlers.record_entity(session, event)

    @consumes("filings", "legacy_batch_imported")
    def on_legacy_batch_imported(self, session: Session, event: dict[str, Any]) -> None:
        legacy_entities.record_migrated_entities(session, event)

    @consumes("filings", "vendor_scenarios_passed")
    def on_vendor_scenarios_passed(self, session: Session, event: dict[str, Any]) -> None:
        vendor_handlers.record_scenarios_passed(session, event)
