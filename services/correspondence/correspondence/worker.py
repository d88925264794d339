"""The correspondence worker: thin nameko entrypoints over the handlers."""

from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from correspondence import handlers
from correspondence.access_code_letters import handlers as access_code_letters
from correspondence.blob_store import BlobStore, configured_blob_store

# Letters whose code expired unmailed leave the print queue (their PDFs destroyed) within this many seconds.
EXPIRY_SWEEP_SECONDS = 3600


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

    @consumes("accounts", "entity_access_code_issued")
    def on_entity_access_code_issued(self, session: Session, event: dict[str, Any]) -> None:
        access_code_letters.receive_access_code(session, event)

    @timer(interval=EXPIRY_SWEEP_SECONDS, eager=True)
    def expire_unmailed_letters(self) -> None:
        with self.store.database.session() as session:
            access_code_letters.expire_letters(session)
