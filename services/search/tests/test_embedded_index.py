import dataclasses
import sqlite3
from datetime import UTC, date, datetime

import pytest

from search import embedded_index
from search.domain.documents import entity_document, filing_document, transaction_document
from search.domain.query import SearchQuery, encode_cursor
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


def test_limit_caps_the_page_but_count_is_every_match(index, entity_registered):
    for number in range(5):
        event = entity_registered(entity_id=f"14000{number}", name=f"Friends {number}")
        index.upsert(entity_document(event["payload"]))
    results = index.search(SearchQuery(text="friends", limit=2))
    assert (len(results.documents), results.count) == (2, 5)


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_query_text_returns_results_or_nothing_never_an_error(index, filing_accepted, text):
    index.upsert(filing_document(filing_accepted()["payload"]))
    results = index.search(SearchQuery(text=text))
    assert results.count == len(results.documents) <= 1


def test_query_operators_are_quoted_as_plain_words(index, entity_registered):
    index.upsert(entity_document(entity_registered(name="Committee AND Friends")["payload"]))
    assert match_expression("AND(") == '"and"*'
    assert index.search(SearchQuery(text="AND(")).count == 1


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


def test_beyond_the_count_cap_the_count_is_a_flagged_lower_bound_unless_exact(index, entity_registered, monkeypatch):
    monkeypatch.setattr(embedded_index, "COUNT_CAP", 3)
    index.upsert_many(
        entity_document(entity_registered(entity_id=f"14000{n}", name=f"Friends {n}")["payload"]) for n in range(5)
    )
    estimated = index.search(SearchQuery(text="friends", limit=1))
    assert (estimated.count, estimated.count_exact) == (3, False)
    exact = index.search(SearchQuery(text="friends", limit=1, exact_count=True))
    assert (exact.count, exact.count_exact) == (5, True)


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(),
        SearchQuery(sort="date"),
        SearchQuery(kinds=("transaction",), sort="-date"),
        SearchQuery(sort="-amount", after=encode_cursor("-amount", 50000, "transaction:x:0:schedule_a:1")),
        SearchQuery(entity_ids=("1400001",)),
        SearchQuery(date_from=date(2026, 1, 1), sort="date"),
    ],
)
def test_filtered_and_sorted_pages_are_read_in_order_from_an_index(index, query):
    index.count()
    statement = embedded_index.page_statement(query)
    with sqlite3.connect(index.path) as connection:
        plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)]
    # The page itself is one index range read in order; a cursor's row is found by its own lookup.
    assert "USING INDEX" in plan[0] or "USING COVERING INDEX" in plan[0]
    assert not [step for step in plan if "TEMP B-TREE" in step]
    assert all(step.startswith(("SCALAR SUBQUERY", "SEARCH documents USING COVERING INDEX")) for step in plan[1:])


@pytest.mark.parametrize(
    "after",
    [
        None,
        encode_cursor("amount", 50000, "transaction:x:0:schedule_a:1"),
        encode_cursor("amount", embedded_index._MAX_KEY, "filing:x"),
    ],
)
def test_smallest_amounts_first_read_the_amounts_then_the_rest_from_the_one_amount_index(index, after):
    index.count()
    statement = embedded_index.page_statement(SearchQuery(sort="amount", after=after))
    with sqlite3.connect(index.path) as connection:
        plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)]
    reads = [step for step in plan if step.split()[:2] in (["SEARCH", "d"], ["SCAN", "d"])]
    assert len(reads) == 2
    assert all("USING INDEX documents_by_amount" in step for step in reads)


def test_a_rebuild_serves_the_old_generation_until_it_switches(tmp_path, entity_registered):
    serving = EmbeddedIndex(tmp_path / "search-index.db")
    serving.upsert(entity_document(entity_registered(name="Old Generation")["payload"]))
    rebuild = serving.begin_rebuild()
    rebuild.index.upsert(entity_document(entity_registered(name="New Generation")["payload"]))
    assert serving.search(SearchQuery(text="generation")).documents[0].title == "Old Generation"
    # A document the worker writes while the rebuild runs is carried over when it switches.
    serving.upsert(entity_document(entity_registered(entity_id="1400077", name="Written Meanwhile")["payload"]))
    assert rebuild.finish() == 1
    reader = EmbeddedIndex(tmp_path / "search-index.db")
    assert {d.title for d in reader.search(SearchQuery(text="generation")).documents} == {"New Generation"}
    assert serving.search(SearchQuery(text="meanwhile")).count == 1
    assert serving.current_file() == rebuild.target
    assert not (tmp_path / "search-index.db").exists()


def test_a_writer_that_opened_a_retired_generation_writes_to_the_one_in_service(tmp_path, entity_registered):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    EmbeddedIndex(old).count()
    EmbeddedIndex(new).count()
    with sqlite3.connect(old) as connection:
        connection.execute("UPDATE meta SET value = 1 WHERE key = 'retired'")
    writer = EmbeddedIndex(tmp_path / "search-index.db")
    resolved = iter([old, new])  # it resolved the pointer just before a rebuild switched it
    writer.current_file = lambda: next(resolved)
    assert writer.upsert(entity_document(entity_registered()["payload"]))
    assert (EmbeddedIndex(old).count(), EmbeddedIndex(new).count()) == (0, 1)


def test_abandoning_a_rebuild_leaves_the_serving_generation_alone(tmp_path, entity_registered):
    serving = EmbeddedIndex(tmp_path / "search-index.db")
    serving.upsert(entity_document(entity_registered()["payload"]))
    rebuild = serving.begin_rebuild()
    rebuild.abandon()
    assert not rebuild.target.exists()
    assert serving.current_file() == tmp_path / "search-index.db"
    assert serving.count() == 1


def test_an_amendment_indexed_during_a_rebuild_is_carried_over_with_the_old_rows_as_history(tmp_path, filing_accepted):
    def version(amendment, name):
        envelope = filing_accepted(amendment=amendment)["payload"]
        line = {"date": "2026-02-01", "contributor_name": name, "amount": "100.00"}
        return envelope, [
            filing_document(envelope),
            transaction_document(envelope, "schedule_a", "Schedule A", 1, line),
        ]

    serving = EmbeddedIndex(tmp_path / "search-index.db")
    original, documents = version(0, "Jane Doe")
    serving.replace_filing(original["filing_id"], 0, documents)
    rebuild = serving.begin_rebuild()
    rebuild.index.replace_filing(original["filing_id"], 0, documents)
    serving.replace_filing(original["filing_id"], 1, version(1, "Jane Q. Doe")[1])
    rebuild.finish()
    current = serving.search(SearchQuery(kinds=("transaction",)))
    assert [(document.name, document.amendment) for document in current.documents] == [("Jane Q. Doe", 1)]
    assert serving.search(SearchQuery(kinds=("transaction",), include_history=True)).count == 2


def test_the_planner_statistics_follow_the_table_size_every_so_many_writes(index, entity_registered, monkeypatch):
    monkeypatch.setattr(embedded_index, "OPTIMIZE_EVERY", 2)
    monkeypatch.setattr(embedded_index, "_SHAPE", {**embedded_index._SHAPE, "documents_by_date": ("N/2", "20", "1")})
    index.upsert(entity_document(entity_registered()["payload"]))
    query = "SELECT stat FROM sqlite_stat1 WHERE idx = 'documents_by_date'"
    with sqlite3.connect(index.path) as connection:
        assert connection.execute(query).fetchone()[0] == "1000 500 20 1"  # written with the schema, at least 1000
        connection.executemany(
            "INSERT INTO documents (rowid, id, kind, version, dated_at, recorded_at) VALUES (?, ?, 'entity', 0, '', 0)",
            [(rowid, f"filler:{rowid}") for rowid in range(10, 4010)],
        )
    index.upsert(entity_document(entity_registered(entity_id="1400002")["payload"]))
    with sqlite3.connect(index.path) as connection:
        assert connection.execute(query).fetchone()[0] == "4010 2005 20 1"


def test_the_planner_statistics_follow_a_table_that_doubled_in_few_writes(index, entity_registered):
    query = "SELECT stat FROM sqlite_stat1 WHERE idx = 'documents_by_date'"
    index.upsert(entity_document(entity_registered()["payload"]))
    with sqlite3.connect(index.path) as connection:
        assert connection.execute(query).fetchone()[0].split()[0] == "1000"
        connection.executemany(
            "INSERT INTO documents (rowid, id, kind, version, dated_at, recorded_at) VALUES (?, ?, 'entity', 0, '', 0)",
            [(rowid, f"filler:{rowid}") for rowid in range(10, 2510)],
        )
    index.upsert(entity_document(entity_registered(entity_id="1400002")["payload"]))  # the second write of all
    with sqlite3.connect(index.path) as connection:
        assert connection.execute(query).fetchone()[0].split()[0] == "2510"


def _friends(entity_registered, numbers):
    return [
        entity_document(entity_registered(entity_id=f"14100{n:02d}", name=f"Friends {n}")["payload"]) for n in numbers
    ]


def test_words_matching_more_than_the_rank_cap_list_newest_indexed_first_in_stable_pages(
    index, entity_registered, monkeypatch
):
    monkeypatch.setattr(embedded_index, "RANK_CAP", 3)
    for document in _friends(entity_registered, range(6)):
        index.upsert(document)
    first = index.search(SearchQuery(text="friends", limit=2))
    assert [d.entity_id for d in first.documents] == ["1410005", "1410004"]
    assert first.count == 6
    index.upsert(_friends(entity_registered, [9])[0])  # indexed between pages: not slipped into later ones
    second = index.search(SearchQuery(text="friends", limit=2, after=first.next_cursor))
    third = index.search(SearchQuery(text="friends", limit=2, after=second.next_cursor))
    assert [d.entity_id for d in second.documents + third.documents] == ["1410003", "1410002", "1410001", "1410000"]
    assert third.next_cursor is None


def test_a_ranked_search_keeps_its_order_when_its_matches_pass_the_rank_cap_between_pages(
    index, entity_registered, monkeypatch
):
    monkeypatch.setattr(embedded_index, "RANK_CAP", 3)
    index.upsert_many(_friends(entity_registered, range(3)))
    first = index.search(SearchQuery(text="friends", limit=2))
    index.upsert_many(_friends(entity_registered, range(10, 14)))
    rest = index.search(SearchQuery(text="friends", limit=10, after=first.next_cursor))
    seen = [d.entity_id for d in first.documents + rest.documents]
    assert len(seen) == len(set(seen)) == 7


def test_an_index_file_of_the_earlier_layout_is_refused_with_what_to_do(tmp_path):
    with sqlite3.connect(tmp_path / "old.db") as connection:
        connection.execute("CREATE TABLE documents (rowid INTEGER PRIMARY KEY, record TEXT NOT NULL)")
    with pytest.raises(RuntimeError, match="cars-search reindex"):
        EmbeddedIndex(tmp_path / "old.db").count()


def test_an_index_file_of_the_previous_layout_version_is_refused_and_the_current_one_opens(tmp_path, entity_registered):
    current = EmbeddedIndex(tmp_path / "current.db")
    current.upsert(entity_document(entity_registered()["payload"]))
    assert EmbeddedIndex(tmp_path / "current.db").count() == 1
    with sqlite3.connect(tmp_path / "previous.db") as connection:
        connection.execute("CREATE TABLE documents (rowid INTEGER PRIMARY KEY, id TEXT)")
        connection.execute("CREATE TABLE records (rowid INTEGER PRIMARY KEY, record TEXT NOT NULL)")
        connection.execute(f"PRAGMA user_version = {embedded_index.LAYOUT - 1}")
    with pytest.raises(RuntimeError, match="delete it"):
        EmbeddedIndex(tmp_path / "previous.db").count()


def test_connections_wait_open_between_operations_and_follow_a_rebuild(tmp_path, entity_registered):
    serving = EmbeddedIndex(tmp_path / "search-index.db")
    serving.upsert(entity_document(entity_registered()["payload"]))
    serving.search(SearchQuery(text="friends"))
    assert [len(idle) for idle in serving._idle.values()] == [1]
    rebuild = serving.begin_rebuild()
    rebuild.index.upsert_many(_friends(entity_registered, range(2)))
    rebuild.finish()
    assert serving.search(SearchQuery(text="friends")).count == 2
    assert list(serving._idle) == [rebuild.target]


def test_rare_kinds_are_read_from_their_own_index(index):
    index.count()
    statement = embedded_index.page_statement(SearchQuery(kinds=("entity", "filing"), sort="-date"))
    with sqlite3.connect(index.path) as connection:
        kinds = " ".join(
            row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)
        )
    assert "documents_by_other_kind" in kinds


def test_a_search_with_text_reads_the_full_text_matches_first(index, entity_registered):
    index.upsert_many(_friends(entity_registered, range(3)))
    statement = embedded_index.page_statement(SearchQuery(text="friends", cities=("Sacramento",)))
    with sqlite3.connect(index.path) as connection:
        plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)]
    assert plan[0].startswith("SCAN documents_text VIRTUAL TABLE")


def test_typeahead_leaves_out_names_only_earlier_filing_versions_hold(index, filing_accepted):
    def version(amendment, name):
        envelope = filing_accepted(amendment=amendment)["payload"]
        line = {"date": "2026-02-01", "contributor_name": name, "amount": "100.00"}
        return [filing_document(envelope), transaction_document(envelope, "schedule_a", "Schedule A", 1, line)]

    index.replace_filing("b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40", 0, version(0, "Jane Dow"))
    assert [s.text for s in index.suggest("jane", 5)] == ["Jane Dow"]
    index.replace_filing("b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40", 1, version(1, "Jane Doe"))
    assert [s.text for s in index.suggest("jane", 5)] == ["Jane Doe"]


def test_a_text_search_within_dates_finds_rows_written_out_of_date_order(index, filing_accepted):
    line = {"contributor_name": "Ann Lee", "amount": "5"}

    def version(filing_id, amendment, days):
        envelope = filing_accepted(filing_id=filing_id, amendment=amendment)["payload"]
        return [filing_document(envelope)] + [
            transaction_document(envelope, "schedule_a", "Schedule A", number, {**line, "date": day})
            for number, day in enumerate(days, start=1)
        ]

    index.replace_filing("f-2024", 0, version("f-2024", 0, ["2024-03-01", "2024-05-02"]))
    index.replace_filing("f-2023", 0, version("f-2023", 0, ["2023-02-01"]))
    index.replace_filing("f-2024", 1, version("f-2024", 1, ["2023-12-31", "2024-05-02"]))  # written last, dated 2023
    found = index.search(SearchQuery(text="lee", date_from=date(2023, 1, 1), date_to=date(2023, 12, 31)))
    assert sorted(d.transaction_date for d in found.documents) == [date(2023, 2, 1), date(2023, 12, 31)]
    assert index.search(SearchQuery(text="ann", election_cycles=(2024,))).count == 3
    assert index.search(SearchQuery(text="ann", date_from=date(2025, 1, 1))).count == 0


def test_a_text_search_within_dates_reads_only_the_rows_of_those_months(index):
    index.count()
    statement = embedded_index.page_statement(SearchQuery(text="lee", date_from=date(2023, 1, 1)))
    with sqlite3.connect(index.path) as connection:
        plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)]
    assert plan[0].startswith("SCAN documents_text VIRTUAL TABLE")
    assert [step for step in plan if step.startswith("SCALAR SUBQUERY")]


def _committee_lines(filing_accepted, entity_id, filing_id, count):
    envelope = filing_accepted(filing_id=filing_id, entity_id=entity_id)["payload"]
    return [filing_document(envelope)] + [
        transaction_document(
            envelope,
            "schedule_a",
            "Schedule A",
            number,
            {"date": "2026-02-01", "contributor_name": f"Donor {number}", "amount": str(number % 7 * 10)},
        )
        for number in range(1, count + 1)
    ]


def test_a_page_by_amount_of_a_large_group_reads_the_amount_index_and_of_a_small_one_its_own(
    index, filing_accepted, monkeypatch
):
    monkeypatch.setattr(embedded_index, "LARGE_GROUP_MIN", 5)
    index.replace_filing("f-large", 0, _committee_lines(filing_accepted, "1400001", "f-large", 60))
    index.replace_filing("f-small", 0, _committee_lines(filing_accepted, "1400002", "f-small", 2))
    with index._connection() as connection:
        large = index._large_groups(connection, SearchQuery(entity_ids=("1400001",), sort="-amount", limit=2))
        small = index._large_groups(connection, SearchQuery(entity_ids=("1400002",), sort="-amount", limit=2))
        both = index._large_groups(
            connection, SearchQuery(entity_ids=("1400001",), zip_codes=("95814",), sort="amount", limit=2)
        )
        by_date = index._large_groups(connection, SearchQuery(entity_ids=("1400001",), sort="-date", limit=2))
    assert (large, small, both, by_date) == (frozenset({"d.entity_id"}), frozenset(), frozenset(), frozenset())
    statement = embedded_index.page_statement(SearchQuery(entity_ids=("1400001",), sort="-amount"), unindexed=large)
    with sqlite3.connect(index.path) as connection:
        plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)]
    assert "documents_by_amount" in plan[0]
    assert "+d.entity_id" not in statement.condition


@pytest.mark.parametrize("sort", ["amount", "-amount"])
def test_pages_by_amount_of_a_large_group_follow_one_another(index, filing_accepted, monkeypatch, sort):
    monkeypatch.setattr(embedded_index, "LARGE_GROUP_MIN", 5)
    index.replace_filing("f-large", 0, _committee_lines(filing_accepted, "1400001", "f-large", 60))
    index.replace_filing("f-other", 0, _committee_lines(filing_accepted, "1400002", "f-other", 30))
    query = SearchQuery(entity_ids=("1400001",), sort=sort, limit=7)
    with index._connection() as connection:
        assert index._large_groups(connection, query)
    everything = index.search(dataclasses.replace(query, limit=100))
    seen, cursor = [], None
    while True:
        page = index.search(dataclasses.replace(query, after=cursor))
        assert page.count == everything.count == 61
        seen += [document.id for document in page.documents]
        if (cursor := page.next_cursor) is None:
            break
    assert seen == [document.id for document in everything.documents]
    amounts = [document.amount for document in everything.documents if document.amount is not None]
    assert amounts == sorted(amounts, reverse=sort == "-amount")


@pytest.mark.parametrize("text", ["frie", "friends", "pe", "exa 14", "parks neigh", "zz", "1400"])
def test_a_prefix_searched_as_the_indexed_words_it_stands_for_finds_the_same(index, entity_registered, text):
    index.upsert_many(_friends(entity_registered, range(3)))
    index.upsert(entity_document(entity_registered(entity_id="1400009", name="Neighbors for Parks")["payload"]))
    index.upsert(entity_document(entity_registered(entity_id="1400010", name="Amigos de Peña")["payload"]))
    with index._connection() as connection:
        listed = match_expression(text, lambda prefix: index._words(connection, prefix))
    as_words = index.search(SearchQuery(text=text, limit=100))
    assert listed != match_expression(text) or text == "zz"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(embedded_index, "WORDS_LISTED", 0)
        as_prefixes = index.search(SearchQuery(text=text, limit=100))
    assert [d.id for d in as_words.documents] == [d.id for d in as_prefixes.documents]
    assert as_words.count == as_prefixes.count


def test_a_prefix_of_too_many_words_stays_a_prefix(index, entity_registered, monkeypatch):
    monkeypatch.setattr(embedded_index, "WORDS_LISTED", 2)
    index.upsert_many(_friends(entity_registered, range(3)))
    with index._connection() as connection:
        assert index._words(connection, "friend") == ["friends"]
        assert index._words(connection, "1") is None
        assert match_expression("friend 1", lambda prefix: index._words(connection, prefix)) == ('("friends") AND "1"*')


def test_the_words_of_a_write_that_failed_are_written_again_with_the_next_one(index, entity_registered, monkeypatch):
    document = entity_document(entity_registered(name="Quetzal Alliance")["payload"])
    failing = dataclasses.replace(document, id="entity:1499998", entity_id="1499998")

    class FailingTally(embedded_index.Tally):
        def apply(self, connection):
            raise ZeroDivisionError  # after the words were written, before the commit

    monkeypatch.setattr(embedded_index, "Tally", FailingTally)
    with pytest.raises(ZeroDivisionError):
        index.upsert(failing)
    monkeypatch.undo()
    index.upsert(document)
    with index._connection() as connection:
        assert index._words(connection, "quetz") == ["quetzal"]
    assert index.search(SearchQuery(text="quetz")).count == 1


def test_typeahead_offers_names_with_accents_and_punctuation(index, filing_accepted):
    envelope = filing_accepted()["payload"]
    lines = [("Luis Peña", 1), ("Mary O'Brien-Smith", 2)]
    index.replace_filing(
        envelope["filing_id"],
        0,
        [filing_document(envelope)]
        + [
            transaction_document(
                envelope, "schedule_a", "Schedule A", line, {"date": "2026-02-01", "contributor_name": name}
            )
            for name, line in lines
        ],
    )
    assert [s.text for s in index.suggest("luis", 5)] == ["Luis Peña"]
    assert [s.text for s in index.suggest("mary o", 5)] == ["Mary O'Brien-Smith"]


def test_a_search_filed_within_a_few_days_reads_the_filing_date_index_rather_than_a_large_group(index, filing_accepted):
    index.replace_filing("f-large", 0, _committee_lines(filing_accepted, "1400001", "f-large", 60))
    late = filing_accepted(filing_id="f-late", entity_id="1400001", filed_at=datetime(2026, 12, 1, 9, tzinfo=UTC))
    index.replace_filing("f-late", 0, [filing_document(late["payload"])])
    recent = SearchQuery(entity_ids=("1400001",), filed_from=date(2026, 12, 1), sort="-filed")
    with index._connection() as connection:
        assert index._filed_first(connection, recent) == frozenset({"d.entity_id"})
        # Filed over days holding more rows than the group, or no group to read: the planner chooses as it would.
        assert index._filed_first(connection, dataclasses.replace(recent, filed_from=date(2026, 1, 1))) == frozenset()
        assert index._filed_first(connection, SearchQuery(filed_from=date(2026, 12, 1))) == frozenset()
    statement = embedded_index.page_statement(recent, unindexed=frozenset({"d.entity_id"}))
    with sqlite3.connect(index.path) as connection:
        plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)]
    assert "documents_by_recorded" in plan[0]
    assert [document.id for document in index.search(recent).documents] == ["filing:f-late"]
