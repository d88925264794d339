import dataclasses
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from search import embedded_index, embedded_totals
from search.domain.documents import filing_document, transaction_document
from search.domain.query import SearchQuery
from search.embedded_index import EmbeddedIndex
from search.embedded_totals import SCOPES, kept_scope


def envelope(filing_id, entity_id, amendment=0):
    return {
        "filing_id": filing_id,
        "entity_id": entity_id,
        "entity_name": f"Committee {entity_id}",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": amendment,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
    }


def contribution(version, line, name, amount, day, zip_code, employer):
    values = {
        "date": day,
        "contributor_type": "individual",
        "contributor_name": name,
        "employer": employer,
        "city": "Sacramento",
        "state": "CA",
        "zip": zip_code,
        "amount": amount,
    }
    return transaction_document(version, "schedule_a", "Schedule A", line, values, "recipient_committee")


def payment(version, line, payee, amount, day):
    values = {"date": day, "payee_name": payee, "code": "LIT", "amount": amount, "zip": "95814"}
    return transaction_document(version, "schedule_e", "Schedule E", line, values)


def filing(filing_id, entity_id, amendment, lines):
    version = envelope(filing_id, entity_id, amendment)
    documents = [filing_document(version)]
    for number, (name, amount, day, zip_code, employer) in enumerate(lines, start=1):
        documents.append(contribution(version, number, name, amount, day, zip_code, employer))
    documents.append(payment(version, len(lines) + 1, "Print Shop", "300.00", "2026-04-02"))
    return documents


@pytest.fixture
def index(tmp_path):
    """Two filers' filings, one of them amended (its first version becomes history), one line rewritten as a newer
    version of the same document, and an older version arriving late."""
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.replace_filing(
        "f1",
        0,
        filing(
            "f1",
            "1400001",
            0,
            [
                ("Jane Doe", "500.00", "2026-02-10", "95814", "Acme"),
                ("JANE DOE", "250.00", "2026-03-01", "95814-1234", "acme"),
                ("Luis Peña", "1000.00", "2026-03-15", "95616", "Farms"),
            ],
        ),
    )
    index.replace_filing(
        "f2",
        0,
        filing(
            "f2",
            "1400002",
            0,
            [
                ("Jane Doe", "40.00", "2026-01-05", "95814", "Acme"),
                ("Ann Lee", "75.00", "2026-05-20", "95616", "Unified School District"),
            ],
        ),
    )
    amended = filing(
        "f1",
        "1400001",
        1,
        [("Jane Doe", "750.00", "2026-02-10", "95814", "Acme"), ("Bo Kim", "20.00", "2026-06-01", "95814", None)],
    )
    index.replace_filing("f1", 1, amended)
    rewritten = dataclasses.replace(amended[2], version=amended[2].version + 1, amount=Decimal("25.00"))
    index.upsert(rewritten)
    index.replace_filing("f1", 0, filing("f1", "1400001", 0, [("Late", "9.00", "2026-01-02", "95814", "Acme")]))
    return index


QUERIES = [
    SearchQuery(entity_ids=("1400001",)),
    SearchQuery(entity_ids=("1400002",), kinds=("transaction",)),
    SearchQuery(entity_ids=("1400001", "1400002")),
    SearchQuery(zip_codes=("95814",)),
    SearchQuery(zip_codes=("95616-0001", "95814")),
]


@pytest.mark.parametrize("query", QUERIES)
def test_kept_totals_equal_the_totals_of_the_current_rows(index, query, monkeypatch):
    scope = "entity" if query.entity_ids else "zip"
    kept = {by: index.aggregate(query, by, 10) for by in SCOPES[scope]}
    monkeypatch.setattr(embedded_index, "kept_scope", lambda query, by: None)
    for by, aggregate in kept.items():
        assert aggregate == index.aggregate(query, by, 10), by
        assert aggregate.buckets


def test_an_amended_filing_counts_only_its_current_version(index):
    months = index.aggregate(SearchQuery(entity_ids=("1400001",)), "month", 10)
    contributors = index.aggregate(SearchQuery(entity_ids=("1400001",)), "contributor", 10)
    assert [(b.key, b.total, b.count) for b in months.buckets] == [
        ("2026-02", Decimal("750.00"), 1),
        ("2026-04", Decimal("300.00"), 1),
        ("2026-06", Decimal("25.00"), 1),
    ]
    assert [b.key for b in contributors.buckets] == ["Jane Doe", "Print Shop", "Bo Kim"]


def test_a_rebuilt_generation_keeps_the_same_totals(tmp_path, index):
    expected = index.aggregate(SearchQuery(zip_codes=("95814",)), "employer", 10)
    rebuild = index.begin_rebuild()
    with sqlite3.connect(index.current_file()) as connection:
        records = [row[0] for row in connection.execute("SELECT record FROM records ORDER BY rowid")]
        currents = [row[0] for row in connection.execute("SELECT current FROM documents ORDER BY rowid")]
    rebuild.index.upsert_many(
        embedded_index._document(record, current) for record, current in zip(records, currents, strict=True)
    )
    rebuild.finish()
    assert index.aggregate(SearchQuery(zip_codes=("95814",)), "employer", 10) == expected


@pytest.mark.parametrize(
    ("query", "by", "scope"),
    [
        (SearchQuery(entity_ids=("1400001",)), "contributor", ("entity", ["1400001"])),
        (SearchQuery(zip_codes=("95814-1234",)), "employer", ("zip", ["95814"])),
        (SearchQuery(entity_ids=("1400001",), kinds=("transaction", "filing")), "month", ("entity", ["1400001"])),
        (SearchQuery(entity_ids=("1400001",)), "entity", None),
        (SearchQuery(zip_codes=("95814",)), "contributor", None),
        (SearchQuery(entity_ids=("1400001",), zip_codes=("95814",)), "month", None),
        (SearchQuery(entity_ids=("1400001",), date_from=date(2026, 1, 1)), "month", None),
        (SearchQuery(entity_ids=("1400001",), amount_max=Decimal(10)), "month", None),
        (SearchQuery(entity_ids=("1400001",), text="doe"), "month", None),
        (SearchQuery(entity_ids=("1400001",), include_history=True), "month", None),
        (SearchQuery(entity_ids=("1400001",), kinds=("filing",)), "month", None),
        (SearchQuery(), "month", None),
    ],
)
def test_only_one_filer_or_zip_code_scope_is_read_from_kept_totals(query, by, scope):
    assert kept_scope(query, by) == scope


def test_kept_totals_are_read_without_the_documents(index):
    with sqlite3.connect(index.current_file()) as connection:
        plan = " ".join(
            row[-1]
            for row in connection.execute(
                f"EXPLAIN QUERY PLAN {embedded_totals.read_sql(2)}", ("entity", "month", "1", "2", 10)
            )
        )
    assert "totals" in plan
    assert "documents" not in plan
