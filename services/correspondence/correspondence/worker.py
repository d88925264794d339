"""The correspondence worker: thin nameko entrypoints over the handlers."""

from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from correspondence import handlers
from correspondence.blob_store import BlobStore, configured_blob_store


class Blobs(DependencyProvider):
    """The configured blob store, as `self.blobs`."""

    def setup(self) -> None:
        self.blobs = configured_blob_store()

    def get_dependency(self, worker_ctx: Any) -> BlobStore:
        return self.blobs


class CorrespondenceWorker:
    name = "correspondence"
    store = ServiceStore("correspondence")
    blobs = Blobs()

    @consumes("fees", "fee_assessed")
    def on_fee_assessed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_annual_fee_notice(session, event, self.blobs)

    @consumes("accounts", "entity_link_approved")
    def on_entity_link_approved(self, session: Session, event: dict[str, Any]) -> None:
        handlers.grant_entity_access(session, event)

    @consumes("accounts", "entity_link_role_changed")
    def on_entity_link_role_changed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.grant_entity_access(session, event)

    @consumes("accounts", "entity_link_revoked")
    def on_entity_link_revoked(self, session: Session, event: dict[str, Any]) -> None:
        handlers.withdraw_entity_access(session, event)
