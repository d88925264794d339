import sqlite3
from datetime import UTC, datetime

import pytest

from search.domain.documents import entity_document, filing_document
from search.domain.query import SearchQuery
from search.embedded_index import EmbeddedIndex, match_expression

HOSTILE_QUERIES = [
    "AND(",
    '"',
    '""',
    "*",
    "NEAR(a b",
    "friends OR",
    "NOT",
    "title:friends",
    "^friends",
    "-friends",
    "a' OR 1=1 --",
    "\x00",
    "💸 money",
    "Frie\u0301nds",
    "(((((",
    "x" * 200,
]


@pytest.fixture
def index(tmp_path):
    return EmbeddedIndex(tmp_path / "search-index.db")


def test_upserting_the_same_document_twice_keeps_one(index, filing_accepted):
    document = filing_document(filing_accepted()["payload"])
    assert index.upsert(document)
    assert index.upsert(document)
    assert index.count() == 1
    assert index.search(SearchQuery(text="friends")).count == 1


def test_committee_is_found_by_the_start_of_its_name(index, filing_accepted, entity_registered):
    index.upsert(filing_document(filing_accepted()["payload"]))
    index.upsert(entity_document(entity_registered()["payload"]))
    index.upsert(entity_document(entity_registered(entity_id="1400002", name="Neighbors for Parks")["payload"]))
    results = index.search(SearchQuery(text="frie exam"))
    assert results.count == 2
    found = {document.id for document in results.documents}
    assert found == {"filing:b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40", "entity:1400001"}


def test_search_is_case_and_accent_insensitive(index, entity_registered):
    index.upsert(entity_document(entity_registered(name="Amigos de Peña")["payload"]))
    assert index.search(SearchQuery(text="PENA")).count == 1


def test_filer_id_and_form_number_are_searchable(index, filing_accepted):
    index.upsert(filing_document(filing_accepted()["payload"]))
    assert index.search(SearchQuery(text="1400001")).count == 1
    assert index.search(SearchQuery(text="form 460")).count == 1


def test_kind_narrows_the_results(index, filing_accepted, entity_registered):
    index.upsert(filing_document(filing_accepted()["payload"]))
    index.upsert(entity_document(entity_registered()["payload"]))
    results = index.search(SearchQuery(text="friends", kind="entity"))
    assert [document.kind for document in results.documents] == ["entity"]
    assert results.count == 1


def test_limit_caps_the_page_but_count_is_every_match(index, entity_registered):
    for number in range(5):
        event = entity_registered(entity_id=f"14000{number}", name=f"Friends {number}")
        index.upsert(entity_document(event["payload"]))
    results = index.search(SearchQuery(text="friends", limit=2))
    assert (len(results.documents), results.count) == (2, 5)


def test_name_match_ranks_above_a_passing_mention(index, filing_accepted, entity_registered):
    index.upsert(entity_document(entity_registered(entity_id="1400009", name="Parks Now")["payload"]))
    index.upsert(filing_document(filing_accepted(entity_name="Neighbors for Parks Now and Later")["payload"]))
    index.upsert(entity_document(entity_registered(entity_id="1400010", name="Parks")["payload"]))
    assert index.search(SearchQuery(text="parks")).documents[0].title == "Parks"


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_query_text_returns_results_or_nothing_never_an_error(index, filing_accepted, text):
    index.upsert(filing_document(filing_accepted()["payload"]))
    results = index.search(SearchQuery(text=text))
    assert results.count == len(results.documents) <= 1


def test_query_operators_are_quoted_as_plain_words(index, entity_registered):
    index.upsert(entity_document(entity_registered(name="Committee AND Friends")["payload"]))
    assert match_expression("AND(") == '"and"*'
    assert index.search(SearchQuery(text="AND(")).count == 1


def test_older_amendment_never_replaces_a_newer_one(index, filing_accepted):
    assert index.upsert(filing_document(filing_accepted(amendment=2, entity_name="Friends Renamed")["payload"]))
    assert not index.upsert(filing_document(filing_accepted(amendment=1)["payload"]))
    stored = index.get("filing:b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40")
    assert (stored.amendment, stored.entity_name) == (2, "Friends Renamed")
    assert index.search(SearchQuery(text="renamed")).count == 1
    assert index.search(SearchQuery(text="example")).count == 0


def test_replaced_words_are_no_longer_found(index, filing_accepted):
    index.upsert(filing_document(filing_accepted(entity_name="Old Name")["payload"]))
    index.upsert(filing_document(filing_accepted(amendment=1, entity_name="New Name")["payload"]))
    assert index.search(SearchQuery(text="old")).count == 0
    assert index.search(SearchQuery(text="new")).count == 1


def test_without_text_the_newest_documents_come_first(index, filing_accepted):
    for day in (1, 3, 2):
        event = filing_accepted(filing_id=f"filing-{day}", filed_at=datetime(2026, 8, day, tzinfo=UTC))
        index.upsert(filing_document(event["payload"]))
    results = index.search(SearchQuery(limit=2))
    assert [document.filing_id for document in results.documents] == ["filing-3", "filing-2"]
    assert results.count == 3


def test_a_second_process_sees_what_the_writer_stored(tmp_path, entity_registered):
    path = tmp_path / "shared.db"
    writer, reader = EmbeddedIndex(path), EmbeddedIndex(path)
    assert reader.count() == 0
    writer.upsert(entity_document(entity_registered()["payload"]))
    assert reader.search(SearchQuery(text="friends")).count == 1


def test_index_file_is_in_wal_mode_so_readers_do_not_block_the_writer(index, entity_registered):
    index.upsert(entity_document(entity_registered()["payload"]))
    with sqlite3.connect(index.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reading_while_a_write_transaction_is_open_does_not_wait(index, entity_registered):
    index.upsert(entity_document(entity_registered()["payload"]))
    writer = sqlite3.connect(index.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM documents")
    try:
        fast = EmbeddedIndex(index.path, busy_timeout_seconds=0.1)
        assert fast.search(SearchQuery(text="friends")).count == 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()
