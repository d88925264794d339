"""The behaviour every search engine must show, run against each adapter in conftest.ADAPTERS (fixture `index`).

Documents are built the way ingest builds them (filing, entity and transaction documents from public records).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from search.domain.documents import entity_document, filing_document, transaction_document
from search.domain.query import SORTS, BadCursor, SearchQuery
from search.index import FilingVersion

FILING = "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"
SCHEDULE_A = "Schedule A: monetary contributions received"
SCHEDULE_E = "Schedule E: payments made"


def version(filing_id=FILING, amendment=0, entity_id="1400001", entity_name="Friends of Example", **changes):
    return {
        "filing_id": filing_id,
        "entity_id": entity_id,
        "entity_name": entity_name,
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": amendment,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        "totals": {"contributions_received": "1500.00"},
        **changes,
    }


def contribution(line, name, amount, day, envelope=None, **values):
    line_values = {
        "date": day,
        "contributor_type": "individual",
        "contributor_name": name,
        "city": "Sacramento",
        "state": "CA",
        "zip": "95814",
        "amount": amount,
        **values,
    }
    return transaction_document(
        envelope or version(), "schedule_a", SCHEDULE_A, line, line_values, "recipient_committee"
    )


def payment(line, payee, amount, day, envelope=None, **values):
    line_values = {"date": day, "payee_name": payee, "code": "LIT", "amount": amount, **values}
    return transaction_document(envelope or version(), "schedule_e", SCHEDULE_E, line, line_values)


def entity(entity_id="1400001", name="Friends of Example", entity_type="recipient_committee", **changes):
    return entity_document(
        {"entity_id": entity_id, "name": name, "entity_type": entity_type, "registered_on": date(2026, 3, 2), **changes}
    )


def ids(results):
    return [document.id for document in results.documents]


@pytest.fixture
def filed(index):
    """A committee, its filing and five transactions of it: three contributions and two payments."""
    index.upsert(entity())
    index.replace_filing(
        FILING,
        0,
        [
            filing_document(version(), "recipient_committee"),
            contribution(
                1, "Jane Doe", "500.00", "2026-02-10", occupation="Teacher", employer="Unified School District"
            ),
            contribution(
                2, "Peña, Luis", "1000.00", "2026-03-15", city="Davis", zip="95616-1234", employer="Acme Farms"
            ),
            contribution(
                3, "Jane Doe", "250.00", "2026-05-01", occupation="Teacher", employer="unified school district"
            ),
            payment(4, "Print Shop", "1200.00", "2026-04-02", description="Door hangers"),
            payment(5, "Radio Station", "80.00", "2025-11-30", code="RAD"),
        ],
    )
    return index


# -- storing -----------------------------------------------------------------------------------------------------


def test_upserting_the_same_document_twice_keeps_one(index):
    document = entity()
    assert index.upsert(document)
    assert index.upsert(document)
    assert index.count() == 1
    assert index.get(document.id) == document


def test_an_older_version_never_replaces_a_newer_one(index):
    assert index.upsert(filing_document(version(amendment=2, entity_name="Friends Renamed")))
    assert not index.upsert(filing_document(version(amendment=1)))
    assert index.get(f"filing:{FILING}").entity_name == "Friends Renamed"
    assert index.search(SearchQuery(text="renamed")).count == 1
    assert index.search(SearchQuery(text="example")).count == 0


def test_upsert_many_stores_a_batch_and_says_how_many(index):
    stored = index.upsert_many([entity(entity_id=f"14000{n}", name=f"Committee {n}") for n in range(7)])
    assert stored == 7
    assert index.count("entity") == 7
    assert index.get("entity:missing") is None


def test_counts_by_kind(filed):
    assert (filed.count(), filed.count("entity"), filed.count("filing"), filed.count("transaction")) == (7, 1, 1, 5)


# -- words -------------------------------------------------------------------------------------------------------


def test_every_word_must_match_each_also_as_a_prefix(filed):
    assert ids(filed.search(SearchQuery(text="jane teach"))) != []
    assert filed.search(SearchQuery(text="jane teach", kinds=("transaction",))).count == 2
    assert filed.search(SearchQuery(text="jane radio")).count == 0


def test_words_match_in_any_case_and_without_accents(filed):
    assert filed.search(SearchQuery(text="PENA")).count == 1
    assert filed.search(SearchQuery(text="peña luis")).count == 1


def test_words_match_employer_occupation_and_the_plain_language_description(filed):
    assert filed.search(SearchQuery(text="acme farms")).count == 1
    assert filed.search(SearchQuery(text="literature mailings")).count == 1
    assert filed.search(SearchQuery(text="payments made", kinds=("transaction",))).count == 2
    assert filed.search(SearchQuery(text="monetary contributions")).count == 3


def test_text_without_words_matches_nothing(filed):
    for text in ["", "  ", '"()*', "--"]:
        assert filed.search(SearchQuery(text=text)).count == 0


@pytest.mark.parametrize("text", ["AND(", '"', "NEAR(a b", "title:x", "a' OR 1=1 --", "\x00", "*", "x" * 200])
def test_hostile_text_is_an_ordinary_search(filed, text):
    results = filed.search(SearchQuery(text=text))
    assert results.count == len(results.documents) or results.count > len(results.documents) >= 0


def test_a_name_match_ranks_above_a_passing_mention(index):
    index.upsert(entity(entity_id="1400009", name="Parks Now"))
    index.upsert(filing_document(version(entity_name="Neighbors for Parks Now and Later")))
    index.upsert(entity(entity_id="1400010", name="Parks"))
    assert index.search(SearchQuery(text="parks")).documents[0].title in {"Parks", "Parks Now"}


# -- filters -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(kinds=("transaction",)), 5),
        (SearchQuery(kinds=("filing", "entity")), 2),
        (SearchQuery(entity_types=("RECIPIENT_COMMITTEE",), kinds=("transaction",)), 3),
        (SearchQuery(forms=("f460",)), 6),
        (SearchQuery(schedules=("schedule_e",)), 2),
        (SearchQuery(entity_ids=("1400001",)), 7),
        (SearchQuery(entity_ids=("9999999",)), 0),
        (SearchQuery(cities=("sacramento",)), 2),
        (SearchQuery(cities=("Davis", "SACRAMENTO")), 3),
        (SearchQuery(states=("ca",)), 3),
        (SearchQuery(zip_codes=("95616",)), 1),
        (SearchQuery(zip_codes=("95616-9999",)), 1),
        (SearchQuery(employers=("UNIFIED SCHOOL DISTRICT",)), 2),
        (SearchQuery(occupations=("teacher",)), 2),
        (SearchQuery(date_from=date(2026, 3, 15), date_to=date(2026, 4, 2)), 2),
        (SearchQuery(date_from=date(2026, 7, 31), kinds=("filing",)), 1),
        (SearchQuery(amount_min=Decimal("250"), amount_max=Decimal("1000")), 3),
        (SearchQuery(amount_min=Decimal("1000.01")), 1),
        (SearchQuery(election_cycles=(2026,), kinds=("transaction",)), 5),
        (SearchQuery(election_cycles=(2024,)), 0),
        (SearchQuery(text="jane", amount_max=Decimal("300")), 1),
    ],
)
def test_each_filter_narrows_the_results(filed, query, expected):
    assert filed.search(query).count == expected


def test_amount_filters_never_match_documents_without_an_amount(filed):
    found = filed.search(SearchQuery(amount_min=Decimal("0"), limit=100))
    assert {document.kind for document in found.documents} == {"transaction"}


def test_transactions_are_dated_by_their_own_date(filed):
    found = filed.search(SearchQuery(date_to=date(2025, 12, 31)))
    assert [document.name for document in found.documents] == ["Radio Station"]


LATE = "d4a3f4a1-3e6d-4cab-9d73-6c8e9f4a5b62"
LATE_FILED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def late_report(index):
    """A report filed on December 1, 2026 whose contributions are dated in 2025: late, with old dates."""
    late = version(
        filing_id=LATE,
        entity_id="1400002",
        entity_name="Late Committee",
        period_start=date(2025, 7, 1),
        period_end=date(2025, 12, 31),
        filed_at=LATE_FILED,
    )
    index.replace_filing(
        LATE,
        0,
        [
            filing_document(late),
            contribution(1, "Old Gift", "40.00", "2025-08-01", late),
            contribution(2, "Older Gift", "60.00", "2025-07-02", late),
        ],
    )


def test_filed_filters_go_by_the_filing_date_whatever_the_records_own_dates(filed):
    late_report(filed)
    since = filed.search(SearchQuery(filed_from=date(2026, 12, 1), limit=100))
    assert sorted(ids(since)) == sorted(
        [f"filing:{LATE}", f"transaction:{LATE}:0:schedule_a:1", f"transaction:{LATE}:0:schedule_a:2"]
    )
    assert filed.search(SearchQuery(filed_from=date(2026, 12, 2))).count == 0
    assert filed.search(SearchQuery(filed_to=date(2026, 11, 30), kinds=("transaction",))).count == 5
    assert filed.search(SearchQuery(filed_from=date(2026, 7, 31), filed_to=date(2026, 7, 31))).count == 6
    # Their own dates still answer the date filters.
    assert filed.search(SearchQuery(date_to=date(2025, 12, 31), filed_from=date(2026, 12, 1))).count == 2
    # With words, and in the totals.
    assert filed.search(SearchQuery(text="gift", filed_from=date(2026, 12, 1))).count == 2
    assert filed.search(SearchQuery(text="jane", filed_from=date(2026, 12, 1))).count == 0
    assert filed.search(SearchQuery(text="gift", filed_from=date(2026, 12, 1), include_history=True)).count == 2
    totals = filed.aggregate(SearchQuery(filed_from=date(2026, 12, 1)), "entity", 5).buckets
    assert [(b.key, b.total) for b in totals] == [("1400002", Decimal("100.00"))]
    # A filer's kept totals answer only when no filing day narrows them.
    assert filed.aggregate(SearchQuery(entity_ids=("1400001",), filed_from=date(2026, 12, 1)), "month", 5).buckets == []
    kept = filed.aggregate(SearchQuery(entity_ids=("1400002",), filed_to=date(2026, 12, 1)), "month", 5).buckets
    assert [(b.key, b.total) for b in kept] == [("2025-07", Decimal("60.00")), ("2025-08", Decimal("40.00"))]


def test_a_filer_without_a_filing_date_is_filed_on_its_own_date(filed):
    # A filer's registration carries a day, no filing time: it counts as filed at the start of that day.
    found = filed.search(SearchQuery(filed_from=date(2026, 3, 2), filed_to=date(2026, 3, 2)))
    assert ids(found) == ["entity:1400001"]


@pytest.mark.parametrize("text", [None, "gift"])
def test_the_filed_order_puts_the_latest_filed_first(filed, text):
    late_report(filed)
    newest = filed.search(SearchQuery(text=text, sort="-filed", limit=100)).documents
    assert [d.recorded_at for d in newest] == sorted((d.recorded_at for d in newest), reverse=True)
    assert newest[0].filing_id == LATE
    oldest = filed.search(SearchQuery(text=text, sort="filed", limit=100)).documents
    assert [d.recorded_at for d in oldest] == sorted(d.recorded_at for d in oldest)


def test_string_filters_ignore_case_and_accents_on_either_side(index):
    index.replace_filing(
        FILING,
        0,
        [
            contribution(1, "José Pérez", "100.00", "2026-02-01", city="San José", employer="José Farms"),
            contribution(2, "Ann Lee", "200.00", "2026-02-02", city="SAN JOSE", employer="CAFE OLE"),
            contribution(
                3, "Bo Li", "300.00", "2026-02-03", city="Fresno", employer="Café Olé", occupation="Diseñador"
            ),
        ],
    )
    count = lambda **filters: index.search(SearchQuery(**filters)).count  # noqa: E731
    assert count(cities=("San Jose",)) == 2
    assert count(cities=("SAN JOSÉ",)) == 2
    assert count(cities=("san  josé",)) == 2
    assert count(employers=("Jose Farms",)) == 1
    assert count(employers=("cafe olé",)) == 2
    assert count(occupations=("DISENADOR",)) == 1
    assert count(cities=("San José",), employers=("Café Ole",)) == 1
    # Totals by employer group the spellings, shown as the most recent row writes it.
    buckets = index.aggregate(SearchQuery(), "employer", 10).buckets
    assert [(b.key, b.total, b.count) for b in buckets] == [
        ("Café Olé", Decimal("500.00"), 2),
        ("José Farms", Decimal("100.00"), 1),
    ]


def test_words_ignore_accents_typed_or_written(index):
    index.replace_filing(
        FILING,
        0,
        [
            contribution(1, "José Pérez", "100.00", "2026-02-01"),
            contribution(2, "Jose Perez", "200.00", "2026-02-02"),
        ],
    )
    for text in ("jose perez", "JOSÉ PÉREZ", "josé", "pére"):
        assert index.search(SearchQuery(text=text)).count == 2, text


# -- order and pages ---------------------------------------------------------------------------------------------


def test_without_words_the_newest_come_first(filed):
    found = filed.search(SearchQuery(kinds=("transaction",)))
    days = [document.transaction_date for document in found.documents]
    assert days == sorted(days, reverse=True)


def test_date_and_amount_sorts(filed):
    query = SearchQuery(kinds=("transaction",))
    by = {sort: filed.search(SearchQuery(kinds=query.kinds, sort=sort)).documents for sort in SORTS}
    assert [d.amount for d in by["amount"]] == sorted(d.amount for d in by["amount"])
    assert [d.amount for d in by["-amount"]] == sorted((d.amount for d in by["-amount"]), reverse=True)
    assert [d.dated_at for d in by["date"]] == sorted(d.dated_at for d in by["date"])
    assert [d.dated_at for d in by["-date"]] == sorted((d.dated_at for d in by["-date"]), reverse=True)


@pytest.mark.parametrize("sort", ["amount", "-amount"])
def test_documents_without_an_amount_come_last_in_an_amount_sort(filed, sort):
    kinds = [document.kind for document in filed.search(SearchQuery(sort=sort, limit=100)).documents]
    assert kinds[:5] == ["transaction"] * 5
    assert set(kinds[5:]) == {"filing", "entity"}


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("text", [None, "2026", "jane"])
def test_pages_follow_one_another_without_gaps_or_repeats(filed, sort, text):
    everything = filed.search(SearchQuery(text=text, sort=sort, limit=100))
    seen, cursor = [], None
    while True:
        page = filed.search(SearchQuery(text=text, sort=sort, limit=2, after=cursor))
        seen += ids(page)
        assert page.count == everything.count
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids(everything)
    assert len(seen) == everything.count


def test_a_page_is_stable_while_newer_documents_are_added(filed):
    first = filed.search(SearchQuery(sort="-date", limit=3))
    filed.upsert(entity(entity_id="1499999", name="Latecomers", registered_on=date(2027, 1, 1)))
    second = filed.search(SearchQuery(sort="-date", limit=3, after=first.next_cursor))
    assert not set(ids(first)) & set(ids(second))
    assert "entity:1499999" not in ids(second)


def test_a_cursor_of_another_sort_or_not_given_out_is_refused(filed):
    cursor = filed.search(SearchQuery(sort="date", limit=1)).next_cursor
    with pytest.raises(BadCursor):
        filed.search(SearchQuery(sort="-amount", after=cursor))
    with pytest.raises(BadCursor):
        filed.search(SearchQuery(after="not-a-cursor"))


def test_the_last_page_has_no_cursor_and_small_counts_are_exact(filed):
    results = filed.search(SearchQuery(limit=100))
    assert (results.next_cursor, results.count, results.count_exact) == (None, 7, True)
    assert filed.search(SearchQuery(limit=100, exact_count=True)).count == 7


def test_scan_yields_every_match_in_order(filed):
    assert [d.id for d in filed.scan(SearchQuery(sort="amount", limit=1))] == ids(
        filed.search(SearchQuery(sort="amount", limit=100))
    )


# -- amendments --------------------------------------------------------------------------------------------------


def test_an_amendment_replaces_the_old_rows_in_results(filed):
    amended = version(amendment=1, filed_at=datetime(2026, 8, 15, tzinfo=UTC))
    stored = filed.replace_filing(
        FILING,
        1,
        [filing_document(amended), contribution(1, "Jane Doe", "750.00", "2026-02-10", amended, employer="USD")],
    )
    assert stored == 2
    current = filed.search(SearchQuery(kinds=("transaction",)))
    assert [(d.name, d.amount, d.amendment, d.current) for d in current.documents] == [
        ("Jane Doe", Decimal("750.00"), 1, True)
    ]
    history = filed.search(SearchQuery(kinds=("transaction",), include_history=True, limit=100))
    assert history.count == 6
    assert sum(not document.current for document in history.documents) == 5
    assert filed.get(f"transaction:{FILING}:0:schedule_a:1").current is False
    assert filed.get(f"filing:{FILING}").amendment == 1


def test_an_older_version_arriving_late_changes_nothing(filed):
    amended = version(amendment=1)
    filed.replace_filing(
        FILING, 1, [filing_document(amended), contribution(1, "Jane Doe", "750.00", "2026-02-10", amended)]
    )
    assert (
        filed.replace_filing(FILING, 0, [filing_document(version()), contribution(9, "Late", "1.00", "2026-01-02")])
        == 0
    )
    assert filed.search(SearchQuery(text="late")).count == 0
    assert filed.search(SearchQuery(kinds=("transaction",))).count == 1


def test_indexing_the_same_version_again_changes_nothing(filed):
    before = filed.search(SearchQuery(limit=100, include_history=True))
    filed.replace_filing(FILING, 0, [filing_document(version()), contribution(1, "Jane Doe", "500.00", "2026-02-10")])
    after = filed.search(SearchQuery(limit=100, include_history=True))
    assert ids(after) == ids(before)


def test_filings_written_together_read_as_if_written_one_after_the_other(index):
    other = "c3f2e3f0-2d5c-4b9a-8c62-5b7d8e3f4a51"
    original, amended = version(), version(amendment=1)
    second = version(filing_id=other, entity_id="1400002", entity_name="Committee Two")
    stored = index.replace_filings(
        [
            FilingVersion(FILING, 0, [filing_document(original), contribution(1, "Jane Doe", "500.00", "2026-02-10")]),
            FilingVersion(
                other, 0, [filing_document(second), contribution(1, "Sam Roe", "90.00", "2026-03-01", second)]
            ),
            FilingVersion(
                FILING, 1, [filing_document(amended), contribution(1, "Jane Doe", "750.00", "2026-02-10", amended)]
            ),
            FilingVersion(FILING, 0, [filing_document(original), contribution(9, "Late", "1.00", "2026-01-02")]),
        ]
    )
    assert stored == [2, 2, 2, 0]
    current = index.search(SearchQuery(kinds=("transaction",), sort="amount"))
    assert [(d.name, d.amount, d.amendment) for d in current.documents] == [
        ("Sam Roe", Decimal("90.00"), 0),
        ("Jane Doe", Decimal("750.00"), 1),
    ]
    assert index.get(f"transaction:{FILING}:0:schedule_a:1").current is False
    assert index.search(SearchQuery(text="late")).count == 0


def test_originals_written_together_skip_a_filing_already_amended_and_keep_their_totals(index):
    other, third = "c3f2e3f0-2d5c-4b9a-8c62-5b7d8e3f4a51", "d4a3f4a1-3e6d-4cab-9d73-6c8e9f4a5b62"
    amended = version(amendment=1)
    index.replace_filing(
        FILING, 1, [filing_document(amended), contribution(1, "Jane Doe", "750.00", "2026-02-10", amended)]
    )
    second = version(filing_id=other, entity_id="1400002", entity_name="Committee Two")
    last = version(filing_id=third, entity_id="1400002", entity_name="Committee Two")
    stored = index.replace_filings(
        [
            FilingVersion(FILING, 0, [filing_document(version()), contribution(1, "Late", "1.00", "2026-01-02")]),
            FilingVersion(
                other, 0, [filing_document(second), contribution(1, "Sam Roe", "90.00", "2026-03-01", second)]
            ),
            FilingVersion(
                third,
                0,
                [
                    filing_document(last),
                    contribution(1, "Ann Poe", "10.00", "2026-03-02", last),
                    contribution(2, "Ann Poe", "15.00", "2026-03-03", last),
                ],
            ),
        ]
    )
    assert stored == [0, 2, 3]
    assert index.search(SearchQuery(text="late")).count == 0
    by_entity = index.aggregate(SearchQuery(), "entity", 10).buckets
    assert sorted((b.key, b.total, b.count) for b in by_entity) == [
        ("1400001", Decimal("750.00"), 1),
        ("1400002", Decimal("115.00"), 3),
    ]
    one_filer = index.aggregate(SearchQuery(entity_ids=("1400002",)), "contributor", 10).buckets
    assert [(b.key, b.total, b.count) for b in one_filer] == [
        ("Sam Roe", Decimal("90.00"), 1),
        ("Ann Poe", Decimal("25.00"), 2),
    ]


# -- aggregates --------------------------------------------------------------------------------------------------


def test_totals_by_contributor_name_largest_first(filed):
    aggregate = filed.aggregate(SearchQuery(schedules=("schedule_a",)), "contributor", 10)
    assert [(b.key, b.total, b.count) for b in aggregate.buckets] == [
        ("Peña, Luis", Decimal("1000.00"), 1),
        ("Jane Doe", Decimal("750.00"), 2),
    ]


def test_totals_by_employer_ignore_case(filed):
    buckets = filed.aggregate(SearchQuery(), "employer", 10).buckets
    assert [(b.key.casefold(), b.total) for b in buckets] == [
        ("acme farms", Decimal("1000.00")),
        ("unified school district", Decimal("750.00")),
    ]


def test_totals_by_month_zip_and_entity(filed):
    months = {b.key: b.total for b in filed.aggregate(SearchQuery(), "month", 10).buckets}
    assert months == {
        "2026-04": Decimal("1200.00"),
        "2026-03": Decimal("1000.00"),
        "2026-02": Decimal("500.00"),
        "2026-05": Decimal("250.00"),
        "2025-11": Decimal("80.00"),
    }
    assert [(b.key, b.total) for b in filed.aggregate(SearchQuery(kinds=("transaction",)), "zip", 1).buckets] == [
        ("95616", Decimal("1000.00"))
    ]
    (by_entity,) = filed.aggregate(SearchQuery(), "entity", 5).buckets
    assert (by_entity.key, by_entity.label, by_entity.total, by_entity.count) == (
        "1400001",
        "Friends of Example",
        Decimal("3030.00"),
        5,
    )


def test_aggregates_follow_the_filters_and_the_top_n(filed):
    aggregate = filed.aggregate(SearchQuery(text="jane"), "contributor", 10)
    assert [(b.key, b.total) for b in aggregate.buckets] == [("Jane Doe", Decimal("750.00"))]
    assert len(filed.aggregate(SearchQuery(), "contributor", 2).buckets) == 2
    assert filed.aggregate(SearchQuery(date_from=date(2030, 1, 1)), "month", 10).buckets == []


# -- typeahead ---------------------------------------------------------------------------------------------------


def test_typeahead_offers_filers_first_then_the_names_in_transactions(filed):
    filed.upsert(entity(entity_id="1400002", name="Jane Doe for Senate", entity_type="candidate"))
    suggestions = filed.suggest("jane", 5)
    assert [(s.text, s.kind, s.entity_id) for s in suggestions] == [
        ("Jane Doe for Senate", "entity", "1400002"),
        ("Jane Doe", "transaction", None),
    ]
    assert [s.text for s in filed.suggest("FRIENDS of", 5)] == ["Friends of Example"]
    assert len(filed.suggest("jane", 1)) == 1
    assert filed.suggest("zz", 5) == []


def test_in_one_batch_the_newest_version_of_a_document_wins(index):
    newer = filing_document(version(amendment=2, entity_name="Friends Renamed"))
    index.upsert_many([newer, filing_document(version(amendment=1))])
    assert index.get(f"filing:{FILING}").entity_name == "Friends Renamed"
    assert index.count() == 1
