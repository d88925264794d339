"""The public search index: the interface every engine implements, and the one this process uses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cars_shared.config import ELASTICSEARCH_URL, SEARCH_INDEX_PATH, var_path
from search.domain.documents import SearchDocument
from search.domain.query import Aggregate, SearchQuery, SearchResults, Suggestion


@dataclass(frozen=True)
class FilingVersion:
    """The documents of one version of a filing (its filing document and transactions), to store together."""

    filing_id: str
    amendment: int
    documents: list[SearchDocument]


class SearchIndex(Protocol):
    """Where search documents are stored and found. Every engine (embedded, Elasticsearch) implements it and
    passes the one shared adapter suite."""

    def upsert(self, document: SearchDocument) -> bool:
        """Store `document` under its id unless a newer version is stored; True if it was stored."""

    def upsert_many(self, documents: Iterable[SearchDocument]) -> int:
        """Store a batch (same rule per document, in one write where the engine allows); how many were stored."""

    def replace_filing(self, filing_id: str, amendment: int, documents: Iterable[SearchDocument]) -> int:
        """Store the documents of version `amendment` of a filing (its filing document and transactions) and mark
        every document of an earlier version of that filing not current; a version older than the stored one
        changes nothing. How many documents were stored."""

    def replace_filings(self, versions: Sequence[FilingVersion]) -> list[int]:
        """`replace_filing` for each version in turn, in one write where the engine allows (the filings the worker
        is told of together); how many documents each stored."""

    def get(self, document_id: str) -> SearchDocument | None:
        """The stored document with this id, if any."""

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of matches in `query.sort` order (relevance: best first; newest first without text), only
        current documents unless `query.include_history`; `next_cursor` continues after the last one (keyset,
        stable while documents are added)."""

    def scan(self, query: SearchQuery) -> Iterator[SearchDocument]:
        """Every match of `query` in its order, page by page, for exports."""

    def aggregate(self, query: SearchQuery, by: str, top: int) -> Aggregate:
        """Amount totals of the matching transactions grouped by `by` (one of GROUPINGS), largest first."""

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        """Names starting with `prefix` (entity names first), for typeahead."""

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

    url = ELASTICSEARCH_URL.get()
    if url:
        from search.elastic_index import ElasticIndex

        return ElasticIndex.from_url(url)
    return EmbeddedIndex(index_path())
