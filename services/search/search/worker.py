"""The search worker: thin nameko entrypoints over the handlers."""

from datetime import UTC, datetime, timedelta
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.config import PORTAL_URL, SEARCH_EXPORT_KEEP_DAYS, SEARCH_EXPORT_ROW_CAP
from cars_shared.worker import ServiceStore, consumes
from search import handlers
from search.exports import handlers as exports
from search.exports.files import export_dir
from search.filings_client import FilingsClient
from search.index import SearchIndex, open_index
from search.saved import handlers as saved


class PublicIndex(DependencyProvider):
    """The search index this worker writes to, opened once per worker process."""

    def setup(self) -> None:
        self.index = open_index()

    def get_dependency(self, worker_ctx: Any) -> SearchIndex:
        return self.index


class PublicFilings(DependencyProvider):
    """Filings' public API, where the documents of an event's filing or entity are read."""

    def setup(self) -> None:
        self.client = FilingsClient()

    def get_dependency(self, worker_ctx: Any) -> FilingsClient:
        return self.client


# Export jobs start within a second of being asked for; alerts run within a minute of their hour.
EXPORT_INTERVAL_SECONDS = 1
ALERT_INTERVAL_SECONDS = 60
EXPIRY_INTERVAL_SECONDS = 600


class SearchWorker:
    name = "search"
    store = ServiceStore("search")
    index = PublicIndex()
    filings = PublicFilings()

    @consumes("filings", "filing_accepted", together=True)
    def on_filing_accepted(self, session: Session, events: list[dict[str, Any]]) -> None:
        handlers.index_filings(session, events, self.index, self.filings)

    @consumes("filings", "filing_amended", together=True)
    def on_filing_amended(self, session: Session, events: list[dict[str, Any]]) -> None:
        handlers.index_filings(session, events, self.index, self.filings)

    @consumes("filings", "legacy_batch_imported")
    def on_legacy_batch_imported(self, session: Session, event: dict[str, Any]) -> None:
        handlers.index_legacy_batch(session, event, self.index, self.filings)

    @consumes("filings", "entity_registered")
    def on_entity_registered(self, session: Session, event: dict[str, Any]) -> None:
        handlers.index_entity(session, event, self.index)

    @consumes("filings", "entity_updated")
    def on_entity_updated(self, session: Session, event: dict[str, Any]) -> None:
        handlers.update_entity(session, event, self.index, self.filings)

    @consumes("filings", "entity_terminated")
    def on_entity_terminated(self, session: Session, event: dict[str, Any]) -> None:
        handlers.update_entity(session, event, self.index, self.filings)

    @timer(interval=EXPORT_INTERVAL_SECONDS)
    def run_exports(self) -> None:
        exports.run_due_exports(
            self.store.database,
            self.index,
            folder=export_dir(),
            portal_url=PORTAL_URL.get(),
            row_cap=int(SEARCH_EXPORT_ROW_CAP.get()),
        )

    @timer(interval=ALERT_INTERVAL_SECONDS)
    def run_saved_search_alerts(self) -> None:
        with self.store.database.session() as session:
            saved.run_due_alerts(session, self.index, now=datetime.now(UTC), portal_url=PORTAL_URL.get())

    @timer(interval=ALERT_INTERVAL_SECONDS)
    def run_shared_search_alerts(self) -> None:
        with self.store.database.session() as session:
            saved.run_due_public_alerts(session, self.index, now=datetime.now(UTC), portal_url=PORTAL_URL.get())

    @timer(interval=EXPIRY_INTERVAL_SECONDS)
    def expire_exports(self) -> None:
        keep = timedelta(days=float(SEARCH_EXPORT_KEEP_DAYS.get()))
        with self.store.database.session() as session:
            exports.expire_old_exports(session, export_dir(), keep=keep, now=datetime.now(UTC))
