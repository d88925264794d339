"""Ingest: events name a filing or entity; its public content is read from filings' real gateway over HTTP."""

import copy
from datetime import UTC, date, datetime

import pytest
import requests
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import outbox
from filings.examples import example
from search import handlers
from search.domain.query import SearchQuery
from search.embedded_index import EmbeddedIndex
from search.filings_client import FilingGone, FilingsClient, FilingsUnavailable
from search.index import FilingVersion

FILING_ID = "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"
PRIVATE_STREET = "2731 J Street"


@pytest.fixture
def database(migrated_sqlite):
    return migrated_sqlite("search")


@pytest.fixture
def index(tmp_path):
    return EmbeddedIndex(tmp_path / "search-index.db")


@pytest.fixture
def filings(filings_api):
    record, url = filings_api
    record.entity()
    return record


@pytest.fixture
def client(filings_api):
    return FilingsClient(filings_api[1], timeout=5, attempts=2, backoff=0.01)


def accepted(amendment=0, filing_id=FILING_ID):
    payload = {
        "filing_id": filing_id,
        "entity_id": "2000001",
        "entity_name": "Friends of Example",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": amendment,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        "totals": {},
    }
    if amendment:
        payload["previous_amendment"] = amendment - 1
        return read_event(make_event("filings", "filing_amended", payload))
    return read_event(make_event("filings", "filing_accepted", payload))


def index_filing(session, event, index, client):
    """One filing event, as the worker handles one arriving alone."""
    return handlers.index_filings(session, [event], index, client)[0]


def queued(database):
    with database.session() as session:
        return [row.envelope for row in session.execute(select(outbox.c.envelope).order_by(outbox.c.id))]


def amended_460():
    """The Form 460 example with its first contribution corrected and its last one withdrawn."""
    document = copy.deepcopy(example("F460"))
    document["parts"]["schedule_a"][0]["amount"] = "275.00"
    document["parts"]["schedule_a"].pop()
    return document


def test_accepted_filing_indexes_its_filing_and_every_public_transaction(database, index, filings, client):
    filings.version(example("F460"), filing_id=FILING_ID)
    with database.session() as session:
        stored = index_filing(session, accepted(), index, client)
    assert stored == 1 + 4 + 1 + 1 + 1 + 3 + 1 + 1 + 1 + 1
    assert index.count("filing") == 1
    contributions = index.search(SearchQuery(schedules=("schedule_a",), sort="date", limit=10))
    first = contributions.documents[0]
    assert (first.name, first.employer, str(first.amount), first.zip_code) == (
        "Maria Lopez",
        "UC Davis Health",
        "250.00",
        "95816",
    )
    assert first.description.startswith(
        "Contribution of $250.00 from Maria Lopez, registered nurse at UC Davis Health, to Friends of Example"
    )
    assert first.entity_type == "recipient_committee"
    assert [(event["type"], event["payload"]) for event in queued(database)] == [
        ("document_indexed", {"document_id": f"filing:{FILING_ID}", "kind": "filing"})
    ]


def test_private_fields_are_never_indexed(database, index, filings, client):
    filings.version(example("F460"), filing_id=FILING_ID)
    with database.session() as session:
        index_filing(session, accepted(), index, client)
    assert index.search(SearchQuery(text="2731 J Street")).count == 0
    every = index.search(SearchQuery(limit=100, include_history=True))
    assert every.documents and PRIVATE_STREET not in str([document.to_record() for document in every.documents])


def test_amendment_replaces_the_old_rows_and_keeps_them_as_history(database, index, filings, client):
    filings.version(example("F460"), filing_id=FILING_ID)
    filings.version(amended_460(), filing_id=FILING_ID, amendment=1, filed_at=datetime(2026, 8, 15, tzinfo=UTC))
    with database.session() as session:
        index_filing(session, accepted(), index, client)
    with database.session() as session:
        index_filing(session, accepted(amendment=1), index, client)
    current = index.search(SearchQuery(schedules=("schedule_a",), sort="date", limit=10))
    assert [(d.name, str(d.amount), d.amendment) for d in current.documents][0] == ("Maria Lopez", "275.00", 1)
    assert current.count == 3
    history = index.search(SearchQuery(schedules=("schedule_a",), include_history=True, limit=10))
    assert history.count == 7
    assert index.get(f"filing:{FILING_ID}").amendment == 1


def test_filings_told_of_together_are_written_together_within_the_document_budget(
    database, index, filings, client, monkeypatch
):
    other = "c3f2e3f0-2d5c-4b9a-8c62-5b7d8e3f4a51"
    filings.version(example("F460"), filing_id=FILING_ID)
    filings.version(amended_460(), filing_id=FILING_ID, amendment=1, filed_at=datetime(2026, 8, 15, tzinfo=UTC))
    filings.version(example("F460"), filing_id=other)
    writes = []
    write = index.replace_filings
    monkeypatch.setattr(index, "replace_filings", lambda versions: writes.append(len(versions)) or write(versions))
    monkeypatch.setattr(handlers, "WRITE_DOCUMENTS", 20)  # a version of the Form 460 example holds 14 or 15
    with database.session() as session:
        stored = handlers.index_filings(
            session, [accepted(), accepted(amendment=1), accepted(filing_id=other)], index, client
        )
    assert writes == [2, 1]
    assert stored == [15, 14, 15]
    assert index.get(f"filing:{FILING_ID}").amendment == 1
    assert index.search(SearchQuery(schedules=("schedule_a",), include_history=True, limit=50)).count == 7 + 4
    assert [envelope["payload"]["document_id"] for envelope in queued(database)] == [
        f"filing:{FILING_ID}",
        f"filing:{FILING_ID}",
        f"filing:{other}",
    ]


def test_late_original_after_its_amendment_changes_nothing_and_announces_nothing(database, index, filings, client):
    filings.version(example("F460"), filing_id=FILING_ID)
    filings.version(amended_460(), filing_id=FILING_ID, amendment=1)
    with database.session() as session:
        index_filing(session, accepted(amendment=1), index, client)
    with database.session() as session:
        assert index_filing(session, accepted(), index, client) == 0
    assert index.search(SearchQuery(schedules=("schedule_a",))).count == 3
    assert len(queued(database)) == 1


def test_the_same_event_handled_twice_leaves_one_set_of_documents(database, index, filings, client):
    filings.version(example("F460"), filing_id=FILING_ID)
    for _ in range(2):
        with database.session() as session:
            index_filing(session, accepted(), index, client)
    assert index.count() == 15


def test_an_unreachable_filings_raises_so_the_event_is_retried(database, index):
    unreachable = FilingsClient("http://127.0.0.1:9/api/filings", timeout=0.5, attempts=2, backoff=0.01)
    with pytest.raises(FilingsUnavailable), database.session() as session:
        index_filing(session, accepted(), index, unreachable)
    assert (index.count(), queued(database)) == (0, [])


def test_a_filing_filings_does_not_know_raises(database, index, filings, client):
    with pytest.raises(FilingGone), database.session() as session:
        index_filing(session, accepted(), index, client)


def test_sandbox_filings_are_not_public_so_not_indexed(database, index, filings, client):
    filings.version(example("F460"), filing_id=FILING_ID, space="sandbox")
    with pytest.raises(FilingGone), database.session() as session:
        index_filing(session, accepted(), index, client)
    assert index.count() == 0


def test_lines_are_read_page_by_page(filings, client, monkeypatch):
    document = copy.deepcopy(example("F460"))
    document["parts"]["schedule_a"] = [
        {**document["parts"]["schedule_a"][1], "transaction_id": f"A-{n}"} for n in range(7)
    ]
    filings.version(document, filing_id=FILING_ID)
    monkeypatch.setattr("search.filings_client.LINES_PAGE", 3)
    calls = []
    original = requests.Session.get

    def counted(self, url, **kwargs):
        calls.append(url)
        return original(self, url, **kwargs)

    monkeypatch.setattr(requests.Session, "get", counted)
    lines = list(client.lines(FILING_ID, 0, "schedule_a"))
    assert [number for number, _values in lines] == list(range(1, 8))
    assert len(calls) == 3


def test_registered_entity_becomes_findable_by_name(database, index, entity_registered):
    with database.session() as session:
        handlers.index_entity(session, entity_registered(), index)
    results = handlers.find_documents(index, SearchQuery(text="friends", kinds=("entity",)))
    assert [document.id for document in results.documents] == ["entity:1400001"]
    assert queued(database)[0]["payload"] == {"document_id": "entity:1400001", "kind": "entity"}


def test_renamed_entity_keeps_its_former_name_findable(database, index, filings, client):
    with database.session() as session:
        handlers.index_entity(session, _registered("2000001", "Friends of Example"), index)
    filings.entity(name="Example for Senate 2026")
    with database.session() as session:
        handlers.update_entity(session, _updated("2000001", "Example for Senate 2026"), index, client)
    document = index.get("entity:2000001")
    assert (document.title, document.former_names, document.version) == (
        "Example for Senate 2026",
        ("Friends of Example",),
        1,
    )
    assert index.search(SearchQuery(text="friends of example", kinds=("entity",))).count == 1
    assert [suggestion.text for suggestion in index.suggest("example", 5)] == ["Example for Senate 2026"]


def test_terminated_entity_says_so(database, index, filings, client):
    filings.entity(status="terminated", terminated_on=date(2027, 1, 15))
    with database.session() as session:
        handlers.update_entity(session, _terminated("2000001"), index, client)
    document = index.get("entity:2000001")
    assert document.status == "terminated"
    assert "terminated on January 15, 2027" in document.description
    assert index.search(SearchQuery(text="terminated", kinds=("entity",))).count == 1


def test_legacy_batch_indexes_its_entities_and_filings(database, index, filings, client):
    filings.entity(entity_id="900001", name="Legacy Committee", legacy=True)
    legacy = copy.deepcopy(example("F460"))
    legacy["entity_id"] = "900001"
    filings.version(legacy, filing_id="LEGACY-1")
    filings.version(legacy, filing_id="LEGACY-1", amendment=1)
    payload = {
        "batch_id": "5f0c9a2e-7d1b-4c3e-9a8f-2b6d4e1c0a97:RCPT_CD:2:0",
        "filing_ids": [
            {"filing_id": "LEGACY-1", "amendment": 1},
            {"filing_id": "LEGACY-1", "amendment": 0},
            {"filing_id": "MISSING-9", "amendment": 0},
        ],
        "entity_ids": ["900001", "999999"],
    }
    event = read_event(make_event("filings", "legacy_batch_imported", payload))
    with database.session() as session:
        handlers.index_legacy_batch(session, event, index, client)
    assert index.get("entity:900001").title == "Legacy Committee"
    assert index.get("filing:LEGACY-1").amendment == 1
    assert index.search(SearchQuery(entity_ids=("900001",), kinds=("transaction",), limit=100)).count == 14
    assert index.search(SearchQuery(entity_ids=("900001",), include_history=True, limit=100)).count == 1 + 1 + 28
    with database.session() as session:
        handlers.index_legacy_batch(session, event, index, client)
    assert index.count() == 30


def _registered(entity_id, name):
    payload = {
        "entity_id": entity_id,
        "name": name,
        "entity_type": "recipient_committee",
        "registered_by": "user-treasurer",
        "registered_on": date(2026, 1, 12),
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
    }
    return read_event(make_event("filings", "entity_registered", payload))


def _updated(entity_id, name):
    payload = {
        "entity_id": entity_id,
        "name": name,
        "entity_type": "recipient_committee",
        "changed": ["name"],
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
        "amendment": 1,
    }
    return read_event(make_event("filings", "entity_updated", payload))


def _terminated(entity_id):
    payload = {
        "entity_id": entity_id,
        "name": "Friends of Example",
        "entity_type": "recipient_committee",
        "terminated_on": date(2027, 1, 15),
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
    }
    return read_event(make_event("filings", "entity_terminated", payload))


def test_versions_are_written_in_groups_that_end_once_they_hold_enough_documents(monkeypatch):
    monkeypatch.setattr(handlers, "WRITE_DOCUMENTS", 5)
    versions = [FilingVersion(f"filing-{n}", 0, [object()] * size) for n, size in enumerate((2, 2, 3, 7, 1, 1))]
    groups = [[version.filing_id for version in group] for group in handlers.written_together(versions)]
    assert groups == [["filing-0", "filing-1", "filing-2"], ["filing-3"], ["filing-4", "filing-5"]]
    assert list(handlers.written_together([])) == []
