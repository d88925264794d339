"""The public search index: the interface every engine implements, and the one this process uses."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from cars_shared.config import ELASTICSEARCH_URL, SEARCH_INDEX_PATH, var_path
from search.domain.documents import SearchDocument
from search.domain.query import SearchQuery, SearchResults


class SearchIndex(Protocol):
    """Where search documents are stored and found."""

    def upsert(self, document: SearchDocument) -> bool:
        """Store `document` under its id unless a newer version is stored; True if it was stored."""

    def get(self, document_id: str) -> SearchDocument | None:
        """The stored document with this id, if any."""

    def search(self, query: SearchQuery) -> SearchResults:
        """Best matches first (newest first without text)."""

    def count(self, kind: str | None = None) -> int:
        """How many documents are stored (of one kind, if given)."""


def index_path() -> Path:
    """SEARCH_INDEX_PATH, else search-index.db under VAR_DIR."""
    configured = SEARCH_INDEX_PATH.get()
    if configured:
        path = Path(configured)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    return var_path("search-index.db")


def open_index() -> SearchIndex:
    """The index the configuration selects."""
    from search.embedded_index import EmbeddedIndex

    if ELASTICSEARCH_URL.get():
        raise RuntimeError(
            "ELASTICSEARCH_URL is set, but this build of search has only the embedded index; unset it to use the file "
            f"at {index_path()}."
        )
    return EmbeddedIndex(index_path())
