"""Search use cases: keep the public index current from filings' events, and answer searches.

Events carry references; what is indexed is read from filings' public API (`FilingsClient`), so only what the
form declarations make public is ever indexed. Every handler is idempotent: documents are stored by id, a version
older than the stored one changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from search.domain.documents import ENTITY, SearchDocument, entity_document, filing_document, transaction_document
from search.domain.query import SearchQuery, SearchResults
from search.domain.schedules import schedule_meaning
from search.filings_client import FilingGone, FilingsClient, PublicVersion
from search.index import FilingVersion, SearchIndex

log = get_logger(__name__)

WRITE_DOCUMENTS = 5_000
"""Filings told of together are written together (they share the index pages a write touches) while they hold
fewer documents than this; memory holds at most this many, or one larger filing, at a time."""


# -- filings ------------------------------------------------------------------------------------------------


def version_documents(
    client: FilingsClient, version: PublicVersion, entity_type: str | None = None
) -> Iterator[SearchDocument]:
    """The filing document of a version, then one document per public line item of its transaction schedules."""
    envelope = version.envelope
    yield filing_document(envelope, entity_type)
    for part in version.parts:
        if schedule_meaning(envelope["form"], part.name) is None or not part.line_count:
            continue
        for line, values in client.lines(version.filing_id, version.amendment, part.name):
            document = transaction_document(envelope, part.name, part.label, line, values, entity_type)
            if document is not None:
                yield document


def read_version(index: SearchIndex, client: FilingsClient, filing_id: str, amendment: int) -> FilingVersion:
    """A filing version's documents, read in full before any is written: no index write waits on the network
    (nor holds a lock while it does)."""
    version = client.version(filing_id, amendment)
    entity_type = _entity_type(index, client, version.envelope["entity_id"])
    return FilingVersion(filing_id, amendment, list(version_documents(client, version, entity_type)))


def index_filings(
    session: Session, events: list[dict[str, Any]], index: SearchIndex, client: FilingsClient
) -> list[int]:
    """Accepted filings or amendments told of together (`filing_accepted`/`filing_amended`): each version read by
    reference, then written together (see `WRITE_DOCUMENTS`). How many documents each stored."""
    told = [event["payload"] for event in events]
    versions = (read_version(index, client, payload["filing_id"], payload["amendment"]) for payload in told)
    return _store_and_announce(session, index, versions)


def index_legacy_batch(session: Session, event: dict[str, Any], index: SearchIndex, client: FilingsClient) -> int:
    """A batch of filings and entities imported from CAL-ACCESS (`legacy_batch_imported`): entities first (their
    type goes on their filings' documents), then every filing version, oldest amendment first, in one index write.
    Filings or entities filings no longer knows are skipped."""
    payload = event["payload"]
    stored = 0
    for entity_id in payload.get("entity_ids", []):
        try:
            record = client.entity(entity_id)
        except FilingGone:
            log.warning("legacy_entity_not_found", entity_id=entity_id)
            continue
        stored += _store_entity(session, index, record, version=0)
    return stored + sum(_store_and_announce(session, index, _legacy_versions(index, client, payload)))


def _legacy_versions(index: SearchIndex, client: FilingsClient, payload: dict[str, Any]) -> Iterator[FilingVersion]:
    for item in sorted(payload.get("filing_ids", []), key=lambda item: (item["filing_id"], item["amendment"])):
        try:
            yield read_version(index, client, item["filing_id"], item["amendment"])
        except FilingGone:
            log.warning("legacy_filing_not_found", filing_id=item["filing_id"], amendment=item["amendment"])


def written_together(versions: Iterable[FilingVersion]) -> Iterator[list[FilingVersion]]:
    """The versions in order, in groups to write in one index transaction: a group ends once its versions hold
    `WRITE_DOCUMENTS` documents (a filing is never split)."""
    group: list[FilingVersion] = []
    held = 0
    for version in versions:
        group.append(version)
        held += len(version.documents)
        if held >= WRITE_DOCUMENTS:
            yield group
            group, held = [], 0
    if group:
        yield group


def _store_and_announce(session: Session, index: SearchIndex, versions: Iterable[FilingVersion]) -> list[int]:
    """Write the versions in order, those read one after the other together (`written_together`); announce each
    filing stored. How many documents each version stored."""
    stored: list[int] = []
    for group in written_together(versions):
        stored += _write_and_announce(session, index, group)
    return stored


def _write_and_announce(session: Session, index: SearchIndex, versions: list[FilingVersion]) -> list[int]:
    # The index is a separate store: writing it first means a failure rolls back the inbox record, and the
    # redelivered event rewrites the same documents (stored by id), so nothing is lost or doubled.
    stored = index.replace_filings(versions)
    for version, count in zip(versions, stored, strict=True):
        if count:
            _announce(session, f"filing:{version.filing_id}", "filing")
    return stored


def _entity_type(index: SearchIndex, client: FilingsClient, entity_id: str) -> str | None:
    """The filer's type, from its document, else from filings (documents carry it so it can be filtered on)."""
    entity = index.get(f"{ENTITY}:{entity_id}")
    if entity is not None:
        return entity.entity_type
    try:
        return client.entity(entity_id).get("entity_type")
    except FilingGone:
        return None


# -- entities -----------------------------------------------------------------------------------------------


def index_entity(session: Session, event: dict[str, Any], index: SearchIndex) -> SearchDocument | None:
    """A newly registered filer (`entity_registered`): findable by name, type and ID."""
    stored = _store_entity(session, index, event["payload"], version=0)
    return index.get(f"{ENTITY}:{event['payload']['entity_id']}") if stored else None


def update_entity(
    session: Session, event: dict[str, Any], index: SearchIndex, client: FilingsClient
) -> SearchDocument | None:
    """A filer's public record changed or it ended (`entity_updated`/`entity_terminated`): its document follows
    filings' current public record, and a name it had before stays findable."""
    payload = event["payload"]
    try:
        record = client.entity(payload["entity_id"])
    except FilingGone:
        log.warning("entity_not_found", entity_id=payload["entity_id"])
        return None
    existing = index.get(f"{ENTITY}:{payload['entity_id']}")
    version = existing.version + 1 if existing else 1
    stored = _store_entity(session, index, record, version=version)
    return index.get(f"{ENTITY}:{payload['entity_id']}") if stored else None


def _store_entity(session: Session, index: SearchIndex, record: dict[str, Any], version: int) -> int:
    existing = index.get(f"{ENTITY}:{record['entity_id']}")
    former: list[str] = list(existing.former_names) if existing else []
    if existing and existing.title.casefold() != record["name"].casefold():
        former.append(existing.title)
    former = [name for name in dict.fromkeys(former) if name.casefold() != record["name"].casefold()]
    if existing and existing.registered_on and not record.get("registered_on"):
        record = {**record, "registered_on": existing.registered_on}
    document = entity_document(record, tuple(former), version=version)
    if not index.upsert(document):
        return 0
    _announce(session, document.id, ENTITY)
    return 1


def _announce(session: Session, document_id: str, kind: str) -> None:
    outbox.add(session, make_event("search", "document_indexed", {"document_id": document_id, "kind": kind}))


# -- searching ----------------------------------------------------------------------------------------------


def find_documents(index: SearchIndex, query: SearchQuery) -> SearchResults:
    return index.search(query)
