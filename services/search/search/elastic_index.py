"""The production search index on Elasticsearch 9: one alias in front of a versioned concrete index, so a full
reindex builds a new index beside the serving one and moves the alias to it in one atomic step."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from elasticsearch import AuthorizationException, ConflictError, Elasticsearch, NotFoundError, helpers

from cars_shared.logging import get_logger
from search.domain.documents import FILING, SearchDocument
from search.domain.query import MAX_LIMIT, Aggregate, SearchQuery, SearchResults, Suggestion
from search.elastic_query import (
    ADDED_FIELDS,
    MAPPINGS,
    aggregate_body,
    changed_since,
    count_body,
    document_from_source,
    document_source,
    external_version,
    index_action,
    index_body,
    newest_versions_body,
    read_aggregate,
    read_hits,
    read_newest_versions,
    read_suggestions,
    resupersede_body,
    scan_body,
    search_body,
    suggest_body,
    supersede_body,
)
from search.index import FilingVersion

log = get_logger(__name__)

DEFAULT_ALIAS = "cars-search"
# Documents per bulk request and hits per page when scanning.
BULK_CHUNK = 500
SCAN_PAGE = 1000
# Retries of a bulk chunk the cluster turned away as too busy (429), with growing pauses.
BULK_RETRIES = 3
# How long a scan's point in time stays open between two pages.
SCAN_KEEP_ALIVE = "2m"
# Filings whose earlier versions are retired per update_by_query after a rebuild.
RETIRE_CHUNK = 1000
# A rebuild copies what the serving index took since it began, starting this much earlier: writers' clocks may
# differ from the rebuilding machine's (copying a document twice changes nothing).
CLOCK_MARGIN_MS = 5 * 60 * 1000


def now_ms() -> int:
    """The time as Elasticsearch's epoch_millis."""
    return time.time_ns() // 1_000_000


class ElasticIndex:
    """SearchIndex on Elasticsearch. Reads and writes go through `alias`, or straight to one concrete index being
    built (`target`, see `for_index`). `refresh` is passed to every write: True makes writes visible to the next
    search at once (tests), False leaves it to the refresh interval (production). Without `replicas`, indices get
    one replica where the cluster has a second node."""

    def __init__(
        self,
        client: Elasticsearch,
        alias: str = DEFAULT_ALIAS,
        *,
        refresh: bool = False,
        shards: int = 1,
        replicas: int | None = None,
        target: str | None = None,
        defer_retiring: bool = False,
    ) -> None:
        self.client = client
        self.alias = alias
        self.refresh = refresh
        self.shards = shards
        self.replicas = replicas
        self.target = target or alias
        # A rebuild retires earlier versions once at the end rather than per filing (see ElasticRebuild).
        self.defer_retiring = defer_retiring
        self.amended: set[str] = set()
        self._ready = target is not None
        self._ready_lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, alias: str = DEFAULT_ALIAS, **options: Any) -> ElasticIndex:
        """An index on the cluster at `url` (credentials may be given in the URL). Nothing is sent until used."""
        client = Elasticsearch(url, request_timeout=30, retry_on_timeout=True, max_retries=3)
        return cls(client, alias, **options)

    # Writes ----------------------------------------------------------------------------------------------------

    def upsert(self, document: SearchDocument) -> bool:
        self._ensure_ready()
        try:
            self.client.index(
                index=self.target,
                id=document.id,
                document=document_source(document, now_ms()),
                version=external_version(document),
                version_type="external_gte",
                refresh=self.refresh,
                require_alias=self.target == self.alias,
            )
        except ConflictError:
            return False
        return True

    def upsert_many(self, documents: Iterable[SearchDocument]) -> int:
        self._ensure_ready()
        return self._bulk(documents)

    def replace_filing(self, filing_id: str, amendment: int, documents: Iterable[SearchDocument]) -> int:
        self._ensure_ready()
        documents = list(documents)
        if self._stored_amendment(filing_id, documents) > amendment:
            return 0
        stored = self._bulk(documents)
        if amendment > 0:
            if self.defer_retiring:
                self.amended.add(filing_id)
            else:
                # update_by_query searches: the earlier version's rows must be visible to it.
                self.client.indices.refresh(index=self.target)
                retiring = supersede_body(filing_id, amendment, now_ms())
                self.client.update_by_query(
                    index=self.target, refresh=self.refresh, wait_for_completion=True, **retiring
                )
        return stored

    def replace_filings(self, versions: Sequence[FilingVersion]) -> list[int]:
        # Each version's retiring searches what the one before wrote: they go one after the other.
        return [self.replace_filing(version.filing_id, version.amendment, version.documents) for version in versions]

    def retire_superseded(self, filing_ids: Iterable[str]) -> int:
        """Mark not current, for each of these filings, the rows of versions before the newest one stored; how
        many rows were marked."""
        self.client.indices.refresh(index=self.target)
        pending = sorted(set(filing_ids))
        retired = 0
        for start in range(0, len(pending), RETIRE_CHUNK):
            chunk = pending[start : start + RETIRE_CHUNK]
            newest = read_newest_versions(self.client.search(index=self.target, **newest_versions_body(chunk)).body)
            if not newest:
                continue
            response = self.client.update_by_query(
                index=self.target, refresh=self.refresh, wait_for_completion=True, **resupersede_body(newest, now_ms())
            )
            retired += response["updated"]
        return retired

    # Reads -----------------------------------------------------------------------------------------------------

    def get(self, document_id: str) -> SearchDocument | None:
        self._ensure_ready()
        try:
            response = self.client.get(index=self.target, id=document_id, source_excludes=["suggest"])
        except NotFoundError:
            return None
        return document_from_source(response["_source"])

    def search(self, query: SearchQuery) -> SearchResults:
        self._ensure_ready()
        body = search_body(query)
        if body is None:
            return SearchResults(documents=[], count=0)
        return read_hits(self.client.search(index=self.target, **body).body, query)

    def scan(self, query: SearchQuery) -> Iterator[SearchDocument]:
        """Every match, page after page over one point in time, so an export sees one unchanging index."""
        self._ensure_ready()
        body = scan_body(query, SCAN_PAGE)
        if body is None:
            return
        for hit in self._scan_hits(self.target, body):
            yield document_from_source(hit["_source"])

    def aggregate(self, query: SearchQuery, by: str, top: int) -> Aggregate:
        self._ensure_ready()
        body = aggregate_body(query, by, top)
        if body is None:
            return Aggregate(by=by)
        return read_aggregate(self.client.search(index=self.target, **body).body, by, top)

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        self._ensure_ready()
        if limit < 1:
            return []
        body = suggest_body(prefix, min(limit, MAX_LIMIT))
        if body is None:
            return []
        return read_suggestions(self.client.search(index=self.target, **body).body, limit)

    def count(self, kind: str | None = None) -> int:
        self._ensure_ready()
        return self.client.count(index=self.target, **count_body(kind))["count"]

    # Aliases and reindexing ------------------------------------------------------------------------------------

    def begin_rebuild(self) -> ElasticRebuild:
        """A new, empty concrete index to fill while the alias keeps serving; `ElasticRebuild.finish` switches."""
        self._ensure_ready()
        return ElasticRebuild(self)

    def create_next_index(self, *, bulk_loading: bool = True) -> str:
        """Create a new empty concrete index `<alias>-<UTC timestamp>` and return its name. With `bulk_loading`
        it does not refresh on its own until `switch_alias` makes it live."""
        name = f"{self.alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
        self.client.indices.create(
            index=name, **index_body(shards=self.shards, replicas=self.replicas, bulk_loading=bulk_loading)
        )
        return name

    def for_index(self, name: str, *, defer_retiring: bool = False) -> ElasticIndex:
        """This index's twin that reads and writes the concrete index `name` (a reindex fills it this way)."""
        return ElasticIndex(
            self.client,
            self.alias,
            refresh=self.refresh,
            shards=self.shards,
            replicas=self.replicas,
            target=name,
            defer_retiring=defer_retiring,
        )

    def concrete_indices(self) -> list[str]:
        """The concrete indices the alias points at now."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def switch_alias(self, name: str) -> list[str]:
        """Point the alias at `name` alone, in one atomic `_aliases` request, after turning its refresh back on and
        refreshing it; the indices it pointed at before are returned (drop them with `drop_index`)."""
        self.client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
        self.client.indices.refresh(index=name)
        previous = [index for index in self.concrete_indices() if index != name]
        actions: list[dict[str, Any]] = [{"remove": {"index": index, "alias": self.alias}} for index in previous]
        actions.append({"add": {"index": name, "alias": self.alias, "is_write_index": True}})
        self.client.indices.update_aliases(actions=actions)
        return previous

    def drop_index(self, name: str) -> None:
        """Delete a concrete index the alias no longer points at."""
        if name in self.concrete_indices():
            raise ValueError(f"{name} is still behind the alias {self.alias}")
        self.client.indices.delete(index=name, ignore_unavailable=True)

    def ensure_alias(self) -> None:
        """Create the first concrete index and the alias unless the alias exists; else add the fields added to the
        mapping since its index was made (ADDED_FIELDS)."""
        if self.client.indices.exists_alias(name=self.alias):
            # An index made before a field was added to the mapping indexes it from now on. A reader whose
            # credentials may not change mappings leaves that to the writer.
            added = {name: MAPPINGS["properties"][name] for name in ADDED_FIELDS}
            try:
                self.client.indices.put_mapping(index=self.alias, properties=added)
            except AuthorizationException as error:
                log.info("search_mapping_not_updated", alias=self.alias, reason=str(error))
            return
        name = self.create_next_index(bulk_loading=False)
        try:
            self.client.indices.update_aliases(
                actions=[{"add": {"index": name, "alias": self.alias, "is_write_index": True}}]
            )
        except Exception:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        # Another process may have created the alias at the same moment: keep the first index behind it.
        behind = self.concrete_indices()
        if len(behind) > 1 and name != behind[0]:
            self.client.indices.update_aliases(actions=[{"remove_index": {"index": name}}])

    # Internals -------------------------------------------------------------------------------------------------

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                self.ensure_alias()
                self._ready = True

    def _bulk(self, documents: Iterable[SearchDocument]) -> int:
        # A version conflict (409) is an older document arriving after a newer one: skipped, not an error.
        written = now_ms()
        stored, _skipped = helpers.bulk(
            self.client,
            (index_action(self.target, document, written) for document in documents),
            chunk_size=BULK_CHUNK,
            ignore_status=(409,),
            stats_only=True,
            max_retries=BULK_RETRIES,
            refresh=self.refresh,
            require_alias=self.target == self.alias,
        )
        return stored

    def _scan_hits(self, index: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every hit of `body` (sorted, ending with `_shard_doc`) over one point in time of `index`."""
        pit = self.client.open_point_in_time(index=index, keep_alive=SCAN_KEEP_ALIVE)["id"]
        try:
            while True:
                response = self.client.search(pit={"id": pit, "keep_alive": SCAN_KEEP_ALIVE}, **body).body
                pit = response.get("pit_id", pit)
                hits = response["hits"]["hits"]
                yield from hits
                if len(hits) < body["size"]:
                    return
                body = {**body, "search_after": hits[-1]["sort"]}
        finally:
            self.client.close_point_in_time(id=pit)

    def _stored_amendment(self, filing_id: str, documents: list[SearchDocument]) -> int:
        """The newest stored version of a filing: its filing document read in real time, else the highest version
        among its stored rows (-1 when nothing of it is stored)."""
        filing_ids = [document.id for document in documents if document.kind == FILING]
        if filing_ids:
            try:
                stored = self.client.get(index=self.target, id=filing_ids[0], source_includes=["version"])
            except NotFoundError:
                return -1
            return int(stored["_source"]["version"])
        newest = read_newest_versions(self.client.search(index=self.target, **newest_versions_body([filing_id])).body)
        return newest.get(filing_id, -1)


class ElasticRebuild:
    """A concrete index being filled beside the serving one. Fill `index` (earlier versions of amended filings are
    retired once, at the end), then `finish()` or `abandon()`."""

    def __init__(self, serving: ElasticIndex) -> None:
        self.serving = serving
        self.began = now_ms()
        self.name = serving.create_next_index(bulk_loading=True)
        self.index = serving.for_index(self.name, defer_retiring=True)

    def finish(self) -> int:
        """Copy what the serving index took meanwhile, move the alias to the new index at once, copy what arrived
        during the switch, and drop the old index. How many documents were copied over."""
        self.index.retire_superseded(self.index.amended)
        old = self.serving.concrete_indices()
        switching = now_ms()
        copied = self._copy_changes(old, self.began - CLOCK_MARGIN_MS)
        self.serving.switch_alias(self.name)
        # Writes that resolved the alias just before the switch landed in the old index: bring them over too.
        copied += self._copy_changes(old, switching - CLOCK_MARGIN_MS)
        for name in old:
            self.serving.drop_index(name)
        return copied

    def abandon(self) -> None:
        """Drop the unfinished index; the serving one is untouched."""
        self.serving.client.indices.delete(index=self.name, ignore_unavailable=True)

    def _copy_changes(self, sources: list[str], since: int) -> int:
        """Copy the documents written to `sources` since `since` (with their current flag, keeping newer versions),
        then retire the earlier versions of the filings they belong to."""
        copied = 0
        filings: set[str] = set()
        body = {"query": changed_since(since), "sort": [{"_shard_doc": {"order": "asc"}}], "size": SCAN_PAGE}
        for source in sources:
            self.serving.client.indices.refresh(index=source)
            batch: list[SearchDocument] = []
            for hit in self.serving._scan_hits(source, body):
                document = document_from_source(hit["_source"])
                batch.append(document)
                if document.filing_id:
                    filings.add(document.filing_id)
                if len(batch) >= BULK_CHUNK:
                    copied += self.index.upsert_many(batch)
                    batch = []
            copied += self.index.upsert_many(batch)
        if filings:
            self.index.retire_superseded(filings)
        self.serving.client.indices.refresh(index=self.name)
        return copied
