"""The correspondence worker: thin nameko entrypoints over the handlers."""

import subprocess
import sys
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from correspondence import handlers, rendering
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


class RenderProcesses(DependencyProvider):
    """The processes drawing notices issued in bulk (`correspondence.render_process`) while the worker runs."""

    # How long a render process may take to finish its claim when the worker stops.
    STOP_SECONDS = 10

    def setup(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        command = [sys.executable, "-m", "correspondence.render_process"]
        self.processes = [subprocess.Popen(command) for _ in range(rendering.render_process_count())]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=self.STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx: Any) -> list[int]:
        return [process.pid for process in self.processes]


class CorrespondenceWorker:
    name = "correspondence"
    store = ServiceStore("correspondence")
    blobs = Blobs()
    renderers = RenderProcesses()

    @consumes("fees", "fee_assessed", together=True)
    def on_fee_assessed(self, session: Session, events: list[dict[str, Any]]) -> None:
        # The yearly run sends these by the hundred thousand: recorded here, drawn by the render processes.
        rendering.record_annual_fee_notices(session, events)

    @consumes("fees", "penalty_assessed")
    def on_penalty_assessed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_penalty_notice(session, event, self.blobs)

    @consumes("fees", "fine_assessed")
    def on_fine_assessed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_late_filing_notice(session, event, self.blobs)

    @consumes("fees", "payment_received")
    def on_payment_received(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_payment_receipt(session, event, self.blobs)

    @consumes("fees", "fine_waived")
    def on_fine_waived(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_waiver_decision(session, event, self.blobs)

    @consumes("filings", "filing_accepted")
    def on_filing_accepted(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_filing_receipt(session, event, self.blobs)

    @consumes("filings", "filing_amended")
    def on_filing_amended(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_filing_receipt(session, event, self.blobs)

    @consumes("filings", "entity_registered")
    def on_entity_registered(self, session: Session, event: dict[str, Any]) -> None:
        handlers.project_entity_name(session, event)

    @consumes("filings", "entity_updated")
    def on_entity_updated(self, session: Session, event: dict[str, Any]) -> None:
        handlers.project_entity_name(session, event)

    @consumes("accounts", "entity_link_approved")
    def on_entity_link_approved(self, session: Session, event: dict[str, Any]) -> None:
        handlers.grant_entity_access(session, event)
        handlers.issue_link_approval(session, event, self.blobs)

    @consumes("accounts", "vendor_certified")
    def on_vendor_certified(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_vendor_certification(session, event, self.blobs)

    @consumes("accounts", "vendor_decertified")
    def on_vendor_decertified(self, session: Session, event: dict[str, Any]) -> None:
        handlers.issue_vendor_certification_withdrawal(session, event, self.blobs)

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
