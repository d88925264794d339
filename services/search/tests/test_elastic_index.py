"""The Elasticsearch adapter: chosen by ELASTICSEARCH_URL, and (where a server answers) its versioning, amendment
replacement, scanning and the alias switch of a reindex. The shared adapter suite covers the rest."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from search.domain.documents import FILING, TRANSACTION, SearchDocument
from search.domain.query import SearchQuery
from search.elastic_index import DEFAULT_ALIAS, ElasticIndex
from search.embedded_index import EmbeddedIndex
from search.index import open_index
from services.search.tests.adapters import elasticsearch_index, elasticsearch_unavailable

needs_server = pytest.mark.skipif(bool(elasticsearch_unavailable()), reason=elasticsearch_unavailable() or "")

FILED = datetime(2026, 7, 31, 17, 0, tzinfo=UTC)


def _filing(amendment: int) -> SearchDocument:
    return SearchDocument(
        id="filing:f1",
        kind=FILING,
        title=f"Friends of Example: campaign statement, amendment {amendment}",
        description="Recipient Committee Campaign Statement filed by Friends of Example",
        entity_id="1400001",
        entity_name="Friends of Example",
        dated_at=FILED + timedelta(days=amendment),
        version=amendment,
        filing_id="f1",
        form="F460",
        amendment=amendment,
    )


def _row(amendment: int, line: int, name: str, amount: str, filing: str = "f1") -> SearchDocument:
    return SearchDocument(
        id=f"transaction:{filing}:{amendment}:A:{line}",
        kind=TRANSACTION,
        title=name,
        description=f"Contribution of ${amount} from {name} to Friends of Example",
        entity_id="1400001",
        entity_name="Friends of Example",
        dated_at=FILED,
        version=amendment,
        filing_id=filing,
        form="F460",
        amendment=amendment,
        schedule="A",
        line=line,
        name=name,
        amount=Decimal(amount),
    )


def test_elasticsearch_url_selects_the_elasticsearch_index_without_connecting(monkeypatch, tmp_path):
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://user:secret@127.0.0.1:9")
    index = open_index()
    assert isinstance(index, ElasticIndex)
    assert index.alias == DEFAULT_ALIAS
    assert index.target == DEFAULT_ALIAS
    index.client.close()
    monkeypatch.setenv("ELASTICSEARCH_URL", "")
    monkeypatch.setenv("SEARCH_INDEX_PATH", str(tmp_path / "index.db"))
    assert isinstance(open_index(), EmbeddedIndex)


def test_a_twin_for_a_concrete_index_writes_there_and_keeps_the_alias():
    index = ElasticIndex.from_url("http://127.0.0.1:9", "cars-search", refresh=True)
    twin = index.for_index("cars-search-20260101000000000000")
    assert (twin.alias, twin.target, twin.refresh, twin.client) == (
        "cars-search",
        "cars-search-20260101000000000000",
        True,
        index.client,
    )
    index.client.close()


@pytest.fixture
def elastic(tmp_path):
    yield from elasticsearch_index(tmp_path)


@needs_server
def test_an_older_version_never_replaces_a_newer_one(elastic):
    assert elastic.upsert(_filing(2))
    assert not elastic.upsert(_filing(1))
    assert elastic.upsert_many([_filing(1), _filing(2)]) == 1
    assert elastic.get("filing:f1").amendment == 2


@needs_server
def test_an_amendment_retires_the_earlier_rows_and_a_late_older_one_changes_nothing(elastic):
    assert elastic.replace_filing("f1", 0, [_filing(0), _row(0, 1, "Jane Doe", "500.00")]) == 2
    assert elastic.replace_filing("f1", 1, [_filing(1), _row(1, 1, "Jane Doe", "450.00")]) == 2
    assert elastic.replace_filing("f1", 0, [_filing(0), _row(0, 1, "Jane Doe", "500.00")]) == 0
    current = elastic.search(SearchQuery(text="jane", kinds=(TRANSACTION,)))
    assert [document.amount for document in current.documents] == [Decimal("450.00")]
    history = elastic.search(SearchQuery(text="jane", kinds=(TRANSACTION,), include_history=True, sort="amount"))
    assert [(document.amount, document.current) for document in history.documents] == [
        (Decimal("450.00"), True),
        (Decimal("500.00"), False),
    ]
    assert [suggestion.text for suggestion in elastic.suggest("jan", 5)] == ["Jane Doe"]


@needs_server
def test_scan_pages_through_every_match_in_order(elastic):
    rows = [_row(0, line, f"Donor {line:04d}", f"{line}.00") for line in range(1, 1203)]
    assert elastic.upsert_many(rows) == len(rows)
    scanned = list(elastic.scan(SearchQuery(kinds=(TRANSACTION,), sort="amount")))
    assert [document.id for document in scanned] == [row.id for row in rows]


@needs_server
def test_a_reindex_fills_a_new_index_and_switches_the_alias_at_once(elastic):
    elastic.upsert(_filing(0))
    [old] = elastic.concrete_indices()
    new = elastic.create_next_index()
    assert elastic.for_index(new).upsert_many([_filing(1), _row(1, 1, "Jane Doe", "450.00")]) == 2
    # Until the switch, searches still read the old index.
    assert elastic.get("filing:f1").amendment == 0
    assert elastic.switch_alias(new) == [old]
    assert elastic.concrete_indices() == [new]
    assert elastic.get("filing:f1").amendment == 1
    assert elastic.count() == 2
    with pytest.raises(ValueError, match="still behind"):
        elastic.drop_index(new)
    elastic.drop_index(old)
    assert not elastic.client.indices.exists(index=old)


@needs_server
def test_a_rebuild_serves_the_old_index_until_it_switches_and_keeps_what_was_written_meanwhile(elastic):
    elastic.replace_filing("f1", 0, [_filing(0), _row(0, 1, "Jane Doe", "500.00")])
    [old] = elastic.concrete_indices()
    rebuild = elastic.begin_rebuild()
    # The rebuild streams version 0, then version 1 of the filing; retiring waits for the end.
    rebuild.index.replace_filing("f1", 0, [_filing(0), _row(0, 1, "Jane Doe", "500.00")])
    rebuild.index.replace_filing("f1", 1, [_filing(1), _row(1, 1, "Jane Doe", "450.00")])
    # Meanwhile the serving index takes another filing, and searches still read it alone.
    elastic.replace_filing("f2", 0, [_row(0, 1, "Late Donor", "10.00", filing="f2")])
    assert elastic.search(SearchQuery(text="jane", kinds=(TRANSACTION,))).count == 1
    assert rebuild.finish() >= 1
    assert elastic.concrete_indices() == [rebuild.name]
    assert not elastic.client.indices.exists(index=old)
    current = elastic.search(SearchQuery(kinds=(TRANSACTION,), sort="amount"))
    assert [(document.name, document.amount) for document in current.documents] == [
        ("Late Donor", Decimal("10.00")),
        ("Jane Doe", Decimal("450.00")),
    ]
    assert elastic.get("transaction:f1:0:A:1").current is False


@needs_server
def test_an_abandoned_rebuild_leaves_the_serving_index_alone(elastic):
    elastic.upsert(_filing(0))
    rebuild = elastic.begin_rebuild()
    rebuild.index.upsert(_filing(1))
    rebuild.abandon()
    assert not elastic.client.indices.exists(index=rebuild.name)
    assert elastic.get("filing:f1").amendment == 0
