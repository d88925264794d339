import pytest
from sqlalchemy import select

from cars_shared.messaging_tables import outbox
from search import handlers
from search.domain.query import SearchQuery
from search.embedded_index import EmbeddedIndex

FILING_ID = "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"


@pytest.fixture
def database(migrated_database):
    return migrated_database("search")


@pytest.fixture
def index(tmp_path):
    return EmbeddedIndex(tmp_path / "search-index.db")


def queued(database):
    with database.session() as session:
        return [row.envelope for row in session.execute(select(outbox.c.envelope).order_by(outbox.c.id))]


def test_accepted_filing_becomes_findable_and_queues_document_indexed(database, index, filing_accepted):
    with database.session() as session:
        handlers.index_filing(session, filing_accepted(), index)
    results = handlers.find_documents(index, SearchQuery(text="friends of example"))
    assert [document.id for document in results.documents] == [f"filing:{FILING_ID}"]
    assert [(event["type"], event["payload"]) for event in queued(database)] == [
        ("document_indexed", {"document_id": f"filing:{FILING_ID}", "kind": "filing"})
    ]


def test_registered_entity_becomes_findable_by_name(database, index, entity_registered):
    with database.session() as session:
        handlers.index_entity(session, entity_registered(), index)
    results = handlers.find_documents(index, SearchQuery(text="friends", kind="entity"))
    assert [document.id for document in results.documents] == ["entity:1400001"]
    assert queued(database)[0]["payload"]["kind"] == "entity"


def test_the_same_filing_indexed_twice_is_one_document(database, index, filing_accepted):
    for _ in range(2):
        with database.session() as session:
            handlers.index_filing(session, filing_accepted(), index)
    assert index.count() == 1


def test_late_arriving_older_amendment_changes_nothing_and_announces_nothing(database, index, filing_accepted):
    with database.session() as session:
        handlers.index_filing(session, filing_accepted(amendment=1, entity_name="Friends Renamed"), index)
    with database.session() as session:
        handlers.index_filing(session, filing_accepted(amendment=0), index)
    assert index.get(f"filing:{FILING_ID}").entity_name == "Friends Renamed"
    assert len(queued(database)) == 1


def test_amendment_replaces_previous_version_in_search(database, index, filing_accepted, filing_amended):
    with database.session() as session:
        handlers.index_filing(session, filing_accepted(), index)
    with database.session() as session:
        handlers.index_filing(session, filing_amended(totals={"contributions_received": "1750.00"}), index)
    document = index.get(f"filing:{FILING_ID}")
    assert (document.amendment, str(document.totals["contributions_received"])) == (1, "1750.00")
    assert index.count() == 1


def test_announcement_is_rolled_back_with_the_handling_transaction(database, index, filing_accepted):
    with pytest.raises(RuntimeError), database.session() as session:
        handlers.index_filing(session, filing_accepted(), index)
        raise RuntimeError("handler failed after indexing")
    assert queued(database) == []
    with database.session() as session:
        handlers.index_filing(session, filing_accepted(), index)
    assert (index.count(), len(queued(database))) == (1, 1)
