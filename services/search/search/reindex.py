"""A full rebuild of the public index from filings, without downtime.

Every public entity and every public filing version is streamed from filings' public API into a new generation of
the index while the one in service keeps answering searches and taking the worker's writes; when the new one is
complete, what the worker wrote meanwhile is copied over and the new generation takes over at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from search.domain.documents import ENTITY, SearchDocument, entity_document
from search.filings_client import FilingGone, FilingsClient
from search.handlers import read_version, written_together
from search.index import FilingVersion, SearchIndex

ENTITY_BATCH = 500


class Rebuild(Protocol):
    """A generation of an index being built beside the one in service."""

    index: SearchIndex

    def finish(self) -> int:
        """Switch to the new generation (after copying what changed meanwhile); documents copied over."""

    def abandon(self) -> None:
        """Drop the new generation; the one in service is untouched."""


@dataclass
class Progress:
    """How far a rebuild got; `report` is called with it every `every_seconds` and at each stage's end."""

    report: Callable[[Progress], None]
    every_seconds: float = 2.0
    stage: str = "entities"
    entities: int = 0
    filings: int = 0
    documents: int = 0
    skipped: int = 0
    caught_up: int = 0
    started: float = 0.0
    _last: float = 0.0

    def start(self) -> None:
        self.started = self._last = time.monotonic()

    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self.every_seconds:
            self._last = now
            self.report(self)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self) -> str:
        rate = self.documents / self.elapsed if self.elapsed > 0 else 0.0
        return (
            f"{self.stage}: {self.entities:,} entities, {self.filings:,} filing versions, {self.documents:,} documents "
            f"({rate:,.0f}/s), {self.skipped:,} skipped, {self.elapsed:,.1f} s"
        )


def carried_entity(serving: SearchIndex, record: dict[str, Any]) -> SearchDocument:
    """A filer's document from filings' public record, keeping the former names and version the serving index
    knows (filings keeps only the current name)."""
    existing = serving.get(f"{ENTITY}:{record['entity_id']}")
    former: list[str] = list(existing.former_names) if existing else []
    if existing and existing.title.casefold() != record["name"].casefold():
        former.append(existing.title)
    former = [name for name in dict.fromkeys(former) if name.casefold() != record["name"].casefold()]
    return entity_document(record, tuple(former), version=existing.version if existing else 0)


def _public_versions(index: SearchIndex, client: FilingsClient, progress: Progress) -> Iterator[FilingVersion]:
    """Every public filing version, read in full from filings (`progress` counts them, and those gone meanwhile)."""
    for item in client.public_filings():
        progress.filings += 1
        try:
            yield read_version(index, client, item["filing_id"], item["amendment"])
        except FilingGone:
            progress.skipped += 1


def reindex(serving: Any, client: FilingsClient, progress: Progress) -> Progress:
    """Rebuild `serving` (an index that can `begin_rebuild`) from filings and switch to the new generation."""
    rebuild: Rebuild = serving.begin_rebuild()
    progress.start()
    try:
        batch: list[SearchDocument] = []
        for record in client.public_entities():
            batch.append(carried_entity(serving, record))
            progress.entities += 1
            if len(batch) >= ENTITY_BATCH:
                progress.documents += rebuild.index.upsert_many(batch)
                batch = []
                progress.tick()
        progress.documents += rebuild.index.upsert_many(batch)
        progress.tick(force=True)
        progress.stage = "filings"
        for group in written_together(_public_versions(rebuild.index, client, progress)):
            progress.documents += sum(rebuild.index.replace_filings(group))
            progress.tick()
        progress.tick(force=True)
        progress.stage = "switching"
        progress.caught_up = rebuild.finish()
    except BaseException:
        rebuild.abandon()
        raise
    progress.stage = "done"
    progress.tick(force=True)
    return progress
