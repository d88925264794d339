"""The search worker: thin nameko entrypoints over the handlers."""

from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from search import handlers
from search.index import SearchIndex, open_index


class PublicIndex(DependencyProvider):
    """The search index this worker writes to, opened once per worker process."""

    def setup(self) -> None:
        self.index = open_index()

    def get_dependency(self, worker_ctx: Any) -> SearchIndex:
        return self.index


class SearchWorker:
    name = "search"
    store = ServiceStore("search")
    index = PublicIndex()

    @consumes("filings", "filing_accepted")
    def on_filing_accepted(self, session: Session, event: dict[str, Any]) -> None:
        handlers.index_filing(session, event, self.index)

    @consumes("filings", "filing_amended")
    def on_filing_amended(self, session: Session, event: dict[str, Any]) -> None:
        handlers.index_filing(session, event, self.index)

    @consumes("filings", "entity_registered")
    def on_entity_registered(self, session: Session, event: dict[str, Any]) -> None:
        handlers.index_entity(session, event, self.index)
