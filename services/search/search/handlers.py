"""Search use cases: keep the public index current from events, and answer searches."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from search.domain.documents import SearchDocument, entity_document, filing_document
from search.domain.query import SearchQuery, SearchResults
from search.index import SearchIndex


def index_filing(session: Session, event: dict[str, Any], index: SearchIndex) -> SearchDocument:
    """Make an accepted filing findable; a later amendment replaces it, an earlier one never does."""
    return _index(session, filing_document(event["payload"]), index)


def index_entity(session: Session, event: dict[str, Any], index: SearchIndex) -> SearchDocument:
    """Make a newly registered filer findable by name and id."""
    return _index(session, entity_document(event["payload"]), index)


def find_documents(index: SearchIndex, query: SearchQuery) -> SearchResults:
    return index.search(query)


def _index(session: Session, document: SearchDocument, index: SearchIndex) -> SearchDocument:
    # The index is a separate store: writing it first means a failure rolls back the inbox record, and the
    # redelivered event rewrites the same document (upsert by id), so nothing is lost or doubled.
    if index.upsert(document):
        payload = {"document_id": document.id, "kind": document.kind}
        outbox.add(session, make_event("search", "document_indexed", payload))
    return document
