"""Elasticsearch request building, checked without a server: the mapping against the documents and the queries,
every filter, sort, cursor, count mode, aggregate and typeahead body, and reading answers back."""

import inspect
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import AuthorizationException, Elasticsearch, helpers
from elasticsearch.dsl import Mapping, Search

from search.domain.documents import ENTITY, FILING, TRANSACTION, SearchDocument
from search.domain.query import GROUPINGS, SORTS, BadCursor, SearchQuery
from search.domain.query import decode_cursor as decode_key
from search.elastic_query import (
    ADDED_FIELDS,
    DERIVED_FIELDS,
    ESTIMATED_COUNT_LIMIT,
    GROUP_FIELDS,
    KEYWORD_FILTERS,
    LARGEST_LONG,
    MAPPINGS,
    SETTINGS,
    TEXT_FIELDS,
    aggregate_body,
    cents,
    changed_since,
    count_body,
    decode_cursor,
    document_from_source,
    document_source,
    encode_cursor,
    external_version,
    filter_clauses,
    from_cents,
    index_action,
    index_body,
    newest_versions_body,
    query_clause,
    read_aggregate,
    read_hits,
    read_newest_versions,
    read_suggestions,
    resupersede_body,
    scan_body,
    search_body,
    sort_clauses,
    suggest_body,
    supersede_body,
    text_clause,
)

FILED = datetime(2026, 7, 31, 17, 0, tzinfo=UTC)


def _transaction(**changes) -> SearchDocument:
    fields = {
        "id": "transaction:f1:1:A:3",
        "kind": TRANSACTION,
        "title": "Jane Peña",
        "description": "Contribution of $500.10 from Jane Peña, teacher at Unified School District",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "dated_at": datetime(2026, 3, 3, tzinfo=UTC),
        "version": 1,
        "keywords": ("F460", "Form 460", "Schedule A"),
        "filing_id": "f1",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": FILED,
        "amendment": 1,
        "schedule": "A",
        "schedule_name": "Schedule A: monetary contributions",
        "line": 3,
        "name": "Jane Peña",
        "employer": "Unified School District",
        "occupation": "Teacher",
        "city": "Sacramento",
        "state": "CA",
        "zip_code": "95814-1234",
        "amount": Decimal("500.10"),
        "transaction_date": date(2026, 3, 3),
    }
    fields.update(changes)
    return SearchDocument(**fields)


def _entity(**changes) -> SearchDocument:
    fields = {
        "id": "entity:1400001",
        "kind": ENTITY,
        "title": "Friends of Example",
        "description": "Friends of Example is a recipient committee",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "dated_at": datetime(2026, 3, 2, tzinfo=UTC),
        "entity_type": "recipient_committee",
        "entity_type_name": "Recipient committee",
        "registered_on": date(2026, 3, 2),
        "status": "active",
        "former_names": ("Example Friends",),
    }
    fields.update(changes)
    return SearchDocument(**fields)


def _filing(**changes) -> SearchDocument:
    fields = {
        "id": "filing:f1",
        "kind": FILING,
        "title": "Friends of Example: Recipient Committee Campaign Statement",
        "description": "Recipient Committee Campaign Statement filed by Friends of Example",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "dated_at": FILED,
        "version": 1,
        "filing_id": "f1",
        "form": "F460",
        "amendment": 1,
        "totals": {"contributions_received": Decimal("1500.00")},
    }
    fields.update(changes)
    return SearchDocument(**fields)


def _field(path: str) -> dict:
    """The mapping of a dotted field path (a property or a multi-field under it)."""
    name, _, sub = path.partition(".")
    mapping = MAPPINGS["properties"][name]
    return mapping["fields"][sub] if sub else mapping


def _clauses_of(body: dict) -> list:
    return body["query"]["bool"]["filter"]


# Mapping and settings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("document", [_transaction(), _entity(), _filing()], ids=["transaction", "entity", "filing"])
def test_every_field_a_document_records_is_mapped(document):
    unmapped = set(document_source(document)) - set(MAPPINGS["properties"])
    assert not unmapped, f"map these document fields in elastic_query.MAPPINGS: {sorted(unmapped)}"
    assert set(DERIVED_FIELDS) <= set(MAPPINGS["properties"])


def test_every_analyzer_and_normalizer_the_mapping_names_is_defined():
    analysis = SETTINGS["analysis"]
    named: list[tuple[str, str]] = []

    def walk(mapping: dict) -> None:
        for key in ("analyzer", "search_analyzer"):
            if key in mapping:
                named.append(("analyzer", mapping[key]))
        if "normalizer" in mapping:
            named.append(("normalizer", mapping["normalizer"]))
        for child in mapping.get("fields", {}).values():
            walk(child)

    for mapping in MAPPINGS["properties"].values():
        walk(mapping)
    assert named
    for section, name in named:
        assert name in analysis[section], f"{section} {name} is not defined"
    for analyzer in analysis["analyzer"].values():
        assert analyzer["tokenizer"] in analysis["tokenizer"]
        for token_filter in analyzer["filter"]:
            assert token_filter in ("lowercase", "asciifolding") or token_filter in analysis["filter"]


def test_names_are_folded_and_prefixed_for_matching():
    analyzers = SETTINGS["analysis"]["analyzer"]
    # Diacritics fold both when indexing and when searching, on whole words and on prefixes.
    for name in ("folded_words", "word_prefixes", "typed_prefix"):
        assert analyzers[name]["filter"][:2] == ["lowercase", "asciifolding"]
    assert SETTINGS["analysis"]["filter"]["word_prefixes"]["type"] == "edge_ngram"
    assert SETTINGS["analysis"]["filter"]["word_prefixes"]["min_gram"] == 1
    # The typed word is cut to the longest indexed prefix, so long words still match.
    assert (
        SETTINGS["analysis"]["filter"]["prefix_length"]["length"]
        == SETTINGS["analysis"]["filter"]["word_prefixes"]["max_gram"]
    )
    for name in TEXT_FIELDS:
        assert _field(name)["analyzer"] == "folded_words"
        assert _field(f"{name}.prefix") == {
            "type": "text",
            "analyzer": "word_prefixes",
            "search_analyzer": "typed_prefix",
        }


def test_filter_fields_are_case_folding_keywords():
    for field in KEYWORD_FILTERS.values():
        mapping = _field(field)
        assert mapping["type"] == "keyword"
        assert mapping["normalizer"] == "folded"
    folded = SETTINGS["analysis"]["normalizer"]["folded"]
    assert folded["filter"] == ["lowercase", "asciifolding", "one_space", "trim"]
    assert SETTINGS["analysis"]["filter"]["one_space"] == {
        "type": "pattern_replace",
        "pattern": "\\s+",
        "replacement": " ",
    }


def test_sort_and_group_fields_are_sortable_keywords_dates_or_numbers():
    for field in ("id", "dated_at", "amount_cents", "version", *GROUP_FIELDS.values()):
        mapping = _field(field)
        assert mapping["type"] in ("keyword", "date", "long")
        assert mapping.get("doc_values", True)
    # Names group as filters compare them (folded); zip and entity ids group as stored.
    assert _field(GROUP_FIELDS["contributor"])["normalizer"] == "folded"
    assert _field(GROUP_FIELDS["employer"])["normalizer"] == "folded"
    assert "normalizer" not in _field(GROUP_FIELDS["entity"])
    assert "normalizer" not in _field(GROUP_FIELDS["zip"])
    assert _field("amount")["index"] is False  # the exact decimal text is only returned
    assert _field("suggest")["type"] == "completion"
    assert _field("suggest")["analyzer"] == "folded_words"


def test_the_client_reads_the_mapping_back_with_known_field_types_only():
    # elasticsearch.dsl refuses a field type Elasticsearch does not have.
    mapping = Mapping()
    mapping._update_from_dict(MAPPINGS)
    assert mapping.to_dict() == MAPPINGS


def test_index_body_is_json_with_refresh_off_only_while_bulk_loading():
    body = json.loads(json.dumps(index_body(shards=2, replicas=0)))
    assert body["settings"]["number_of_shards"] == 2
    assert body["settings"]["number_of_replicas"] == 0
    assert "refresh_interval" not in body["settings"]
    assert "auto_expand_replicas" not in body["settings"]
    # Left to the cluster: a replica where there is a second node to hold it.
    assert index_body()["settings"]["auto_expand_replicas"] == "0-1"
    assert "number_of_replicas" not in index_body()["settings"]
    assert body["mappings"]["properties"]["id"] == {"type": "keyword"}
    assert index_body(bulk_loading=True)["settings"]["refresh_interval"] == "-1"
    assert set(index_body()) <= set(
        inspect.signature(Elasticsearch(hosts="http://127.0.0.1:9").indices.create).parameters
    )


# Documents --------------------------------------------------------------------------------------------------


def test_amounts_are_whole_cents_and_come_back_exact():
    assert cents(Decimal("500.10")) == 50010
    assert cents(Decimal("0.005")) == 0  # half a cent rounds to even
    assert cents(Decimal("0.015")) == 2
    assert from_cents(50010.0) == Decimal("500.10")
    assert str(from_cents(150000.0)) == "1500.00"
    # A sum of many cents, as a double, still reads back to the exact amount.
    assert from_cents(float(sum([1999] * 1000))) == Decimal("19990.00")


def test_a_transaction_source_carries_cents_zip_and_typeahead_and_reads_back_equal():
    document = _transaction()
    source = document_source(document, 1785517200000)
    assert source["indexed_at"] == 1785517200000
    assert source["amount"] == "500.10"
    assert source["amount_cents"] == 50010
    assert source["zip5"] == "95814"
    assert source["suggest"] == {"input": ["Jane Peña"], "weight": 1}
    assert json.loads(json.dumps(source)) == source
    assert document_from_source(source) == document


def test_a_source_carries_when_it_reached_the_public_record_its_filing_date_else_its_own_date():
    late = _transaction(dated_at=datetime(2025, 8, 1, tzinfo=UTC), filed_at=FILED)
    assert document_source(late)["recorded_at"] == FILED.isoformat()
    assert document_source(_entity())["recorded_at"] == _entity().dated_at.isoformat()
    assert document_from_source(document_source(late)) == late
    assert _field("recorded_at") == {"type": "date"}


def test_fields_added_since_the_first_indices_are_put_into_a_serving_index_mapping():
    from search.elastic_index import ElasticIndex

    assert set(ADDED_FIELDS) <= set(MAPPINGS["properties"])

    class Indices:
        def __init__(self) -> None:
            self.put: list[dict] = []

        def exists_alias(self, name: str) -> bool:
            return True

        def put_mapping(self, **arguments) -> None:
            self.put.append(arguments)

    class Client:
        indices = Indices()

    ElasticIndex(Client(), "cars-search-test").ensure_alias()  # type: ignore[arg-type]
    assert Client.indices.put == [
        {"index": "cars-search-test", "properties": {"recorded_at": MAPPINGS["properties"]["recorded_at"]}}
    ]
    put_mapping = inspect.signature(Elasticsearch(hosts="http://127.0.0.1:9").indices.put_mapping).parameters
    assert {"index", "properties"} <= set(put_mapping)

    # A reader whose credentials may not change the mapping still opens the index; the writer adds the fields.
    class Refusing(Indices):
        def put_mapping(self, **arguments) -> None:
            meta = ApiResponseMeta(403, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "localhost", 9200))
            raise AuthorizationException("security_exception", meta=meta, body={})

    class ReadOnlyClient:
        indices = Refusing()

    ElasticIndex(ReadOnlyClient(), "cars-search-test").ensure_alias()  # type: ignore[arg-type]


def test_entities_suggest_their_name_first_and_filings_or_replaced_rows_suggest_nothing():
    assert document_source(_entity())["suggest"] == {"input": ["Friends of Example"], "weight": 2}
    assert document_from_source(document_source(_entity())) == _entity()
    assert "suggest" not in document_source(_filing())
    assert "suggest" not in document_source(_transaction(current=False))
    assert "suggest" not in document_source(_transaction(name=None))
    filing_source = document_source(_filing())
    assert filing_source["amount_cents"] is None
    assert document_from_source(filing_source).totals == {"contributions_received": Decimal("1500.00")}


def test_a_bulk_action_keeps_newer_versions_through_external_versioning():
    action = index_action("cars-search", _transaction(version=3), 1785517200000)
    header, source = helpers.expand_action(action)
    assert header == {
        "index": {"_index": "cars-search", "_id": "transaction:f1:1:A:3", "version": 4, "version_type": "external_gte"}
    }
    assert source == document_source(_transaction(version=3), 1785517200000)
    # Never 0, which update_by_query could not retire; ordered as the documents' own versions.
    assert external_version(_filing(version=0)) == 1
    assert external_version(_filing(version=1)) > external_version(_filing(version=0))


def test_superseding_marks_only_current_rows_of_earlier_versions_of_the_filing():
    body = supersede_body("f1", 2, 1785517200000)
    assert body["query"]["bool"]["filter"] == [
        {"term": {"filing_id": "f1"}},
        {"range": {"version": {"lt": 2}}},
        {"term": {"current": True}},
    ]
    script = body["script"]
    assert "ctx._source.current = false" in script["source"]
    assert "remove('suggest')" in script["source"]
    assert "ctx._source.indexed_at = params.now" in script["source"]
    assert script["params"] == {"now": 1785517200000}
    assert body["conflicts"] == "proceed"
    assert set(body) <= set(inspect.signature(Elasticsearch.update_by_query).parameters)


def test_a_rebuild_finds_what_changed_and_the_newest_version_of_each_filing():
    assert changed_since(1785517200000) == {"range": {"indexed_at": {"gte": 1785517200000}}}
    assert _field("indexed_at") == {"type": "date", "format": "epoch_millis"}
    body = newest_versions_body(["f1", "f2"])
    assert body["query"] == {"terms": {"filing_id": ["f1", "f2"]}}
    assert body["aggs"]["filings"] == {
        "terms": {"field": "filing_id", "size": 2},
        "aggs": {"newest": {"max": {"field": "version"}}},
    }
    assert set(body) <= set(inspect.signature(Elasticsearch.search).parameters)
    response = {
        "aggregations": {
            "filings": {
                "buckets": [
                    {"key": "f1", "doc_count": 3, "newest": {"value": 2.0}},
                    {"key": "f2", "doc_count": 1, "newest": {"value": 0.0}},
                ]
            }
        }
    }
    assert read_newest_versions(response) == {"f1": 2, "f2": 0}
    assert read_newest_versions({"aggregations": {"filings": {"buckets": []}}}) == {}


def test_retiring_after_a_rebuild_compares_each_row_with_its_filings_newest_version():
    body = resupersede_body({"f2": 0, "f1": 2}, 1785517200000)
    assert body["query"] == {"bool": {"filter": [{"terms": {"filing_id": ["f1", "f2"]}}, {"term": {"current": True}}]}}
    script = body["script"]
    assert script["params"] == {"now": 1785517200000, "newest": {"f2": 0, "f1": 2}}
    assert "ctx._source.version < newest" in script["source"]
    assert "ctx.op = 'noop'" in script["source"]
    assert "ctx._source.current = false" in script["source"]
    assert set(body) <= set(inspect.signature(Elasticsearch.update_by_query).parameters)
    json.dumps(body)


# Text -------------------------------------------------------------------------------------------------------


def test_every_word_is_required_in_any_text_field_each_also_as_a_prefix():
    clause = text_clause('Peña  "teach" AND(')
    required = clause["bool"]["must"][0]["multi_match"]
    assert required["query"] == "peña teach and"
    assert required["operator"] == "and"
    assert required["type"] == "cross_fields"
    assert sorted(field.split("^")[0] for field in required["fields"]) == sorted(
        f"{name}.prefix" for name in TEXT_FIELDS
    )
    scoring = clause["bool"]["should"][0]["multi_match"]
    assert sorted(field.split("^")[0] for field in scoring["fields"]) == sorted(TEXT_FIELDS)
    assert {"title", "description", "keywords", "name", "employer", "occupation"} == set(TEXT_FIELDS)


def test_text_without_words_matches_nothing():
    assert text_clause('"() * --') is None
    assert query_clause(SearchQuery(text="***")) is None
    assert search_body(SearchQuery(text="***")) is None
    assert aggregate_body(SearchQuery(text="***"), "employer", 5) is None


def test_no_text_means_only_filters():
    assert query_clause(SearchQuery()) == {"bool": {"filter": [{"term": {"current": True}}]}}


# Filters ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("attribute", "field"), list(KEYWORD_FILTERS.items()))
def test_each_string_filter_is_a_case_insensitive_terms_clause(attribute, field):
    clauses = filter_clauses(SearchQuery(**{attribute: ("Beta", "alpha ", "BETA")}))
    assert clauses == [{"terms": {field: ["alpha", "beta"]}}, {"term": {"current": True}}]


def test_zip_codes_match_on_their_five_digit_prefix():
    clauses = filter_clauses(SearchQuery(zip_codes=("95814-1234", "90001", "95814")))
    assert clauses[0] == {"terms": {"zip5": ["90001", "95814"]}}
    assert document_source(_transaction(zip_code="95814-1234"))["zip5"] == "95814"
    assert document_source(_transaction(zip_code="n/a"))["zip5"] is None


def test_string_filters_fold_accents_and_spaces_as_the_embedded_engine_does():
    clauses = filter_clauses(SearchQuery(employers=("Unified  School District ", "PEÑA FARMS")))
    assert clauses[0] == {"terms": {"employer.exact": ["pena farms", "unified school district"]}}
    cities = filter_clauses(SearchQuery(cities=("SAN JOSÉ", "San Jose", "Jose")))
    assert cities[0] == {"terms": {"city": ["jose", "san jose"]}}
    # The stored side: every string filter field is a keyword folded by the same normalizer.
    for field in KEYWORD_FILTERS.values():
        assert _field(field)["normalizer"] == "folded"


def test_election_cycles_are_two_year_date_ranges_any_of_which_matches():
    clauses = filter_clauses(SearchQuery(election_cycles=(2026, 2024)))
    assert clauses[0] == {
        "bool": {
            "should": [
                {"range": {"dated_at": {"gte": "2023-01-01", "lt": "2025-01-01"}}},
                {"range": {"dated_at": {"gte": "2025-01-01", "lt": "2027-01-01"}}},
            ],
            "minimum_should_match": 1,
        }
    }
    with pytest.raises(ValueError, match="even year"):
        filter_clauses(SearchQuery(election_cycles=(2025,)))


def test_date_range_includes_the_whole_last_day():
    both = filter_clauses(SearchQuery(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)))
    assert both[0] == {"range": {"dated_at": {"gte": "2026-01-01", "lt": "2026-07-01"}}}
    assert filter_clauses(SearchQuery(date_to=date(2026, 12, 31)))[0] == {"range": {"dated_at": {"lt": "2027-01-01"}}}
    assert filter_clauses(SearchQuery(date_from=date(2026, 2, 1)))[0] == {"range": {"dated_at": {"gte": "2026-02-01"}}}


def test_filed_range_goes_by_when_the_record_reached_the_public_record_whole_days():
    both = filter_clauses(SearchQuery(filed_from=date(2026, 12, 1), filed_to=date(2026, 12, 31)))
    assert both[0] == {"range": {"recorded_at": {"gte": "2026-12-01", "lt": "2027-01-01"}}}
    since = filter_clauses(SearchQuery(filed_from=date(2026, 12, 1), date_to=date(2025, 12, 31)))
    assert since[:2] == [
        {"range": {"dated_at": {"lt": "2026-01-01"}}},
        {"range": {"recorded_at": {"gte": "2026-12-01"}}},
    ]


def test_amount_range_is_in_whole_cents_and_never_widens():
    clauses = filter_clauses(SearchQuery(amount_min=Decimal("100.005"), amount_max=Decimal("250.999")))
    assert clauses[0] == {"range": {"amount_cents": {"gte": 10001, "lte": 25099}}}
    assert filter_clauses(SearchQuery(amount_min=Decimal("0")))[0] == {"range": {"amount_cents": {"gte": 0}}}
    assert filter_clauses(SearchQuery(amount_max=Decimal("5")))[0] == {"range": {"amount_cents": {"lte": 500}}}


def test_history_drops_the_current_only_filter():
    assert {"term": {"current": True}} in filter_clauses(SearchQuery())
    assert filter_clauses(SearchQuery(include_history=True)) == []


def test_all_filters_together_each_hold():
    query = SearchQuery(
        text="jane",
        kinds=("transaction",),
        forms=("F460",),
        states=("CA",),
        zip_codes=("95814",),
        election_cycles=(2026,),
        amount_min=Decimal("1"),
    )
    body = search_body(query)
    filters = _clauses_of(body)
    assert len(filters) == 7  # six filters and current only
    assert filters[-1] == {"term": {"current": True}}
    assert body["query"]["bool"]["must"] == [text_clause("jane")]
    json.dumps(body)


# Sorting, cursors and counts --------------------------------------------------------------------------------


def test_each_sort_orders_by_its_key_then_id():
    expected = {
        "date": [{"dated_at": {"order": "asc"}}, {"id": {"order": "asc"}}],
        "-date": [{"dated_at": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "amount": [{"amount_cents": {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}],
        "-amount": [{"amount_cents": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}],
        "filed": [{"recorded_at": {"order": "asc"}}, {"id": {"order": "asc"}}],
        "-filed": [{"recorded_at": {"order": "desc"}}, {"id": {"order": "asc"}}],
    }
    for sort in SORTS:
        clauses = sort_clauses(SearchQuery(text="x", sort=sort))
        assert clauses[-1] == {"id": {"order": "asc"}}
        if sort in expected:
            assert clauses == expected[sort]


def test_relevance_is_score_then_newest_with_text_and_newest_without():
    assert sort_clauses(SearchQuery(text="jane")) == [
        {"_score": {"order": "desc"}},
        {"dated_at": {"order": "desc"}},
        {"id": {"order": "asc"}},
    ]
    assert sort_clauses(SearchQuery()) == [{"dated_at": {"order": "desc"}}, {"id": {"order": "asc"}}]


def test_an_unknown_sort_is_refused():
    with pytest.raises(ValueError, match="sort must be one of"):
        sort_clauses(SearchQuery(sort="name"))


def test_cursor_round_trips_its_sort_values_and_is_opaque_url_safe_text():
    values = [3.25, 1772582400000, "transaction:f1:1:A:3"]
    cursor = encode_cursor("relevance", values)
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert decode_cursor(cursor, SearchQuery(text="jane")) == values
    # The shared cursor form: sort, key, id.
    assert decode_key(cursor, "relevance") == ([3.25, 1772582400000], "transaction:f1:1:A:3")
    big = [-9223372036854775808, "entity:1"]  # a missing amount sorts with Long.MIN_VALUE
    assert decode_cursor(encode_cursor("-amount", big), SearchQuery(sort="-amount")) == big


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        "e30",  # {}
        "WyJyZWxldmFuY2UiLDEsImEiXQ",  # a key that is not a list of sort values
        encode_cursor("date", [1, "a"]),  # another order's cursor
        encode_cursor("relevance", [1, "a"]),  # too short for relevance with text
        encode_cursor("relevance", [1.0, True, "a"]),
        encode_cursor("relevance", [1.0, {"x": 1}, "a"]),
        encode_cursor("relevance", [1.0, 2, 3]),  # the id must close it
    ],
)
def test_a_cursor_that_is_not_one_of_this_orders_is_refused(cursor):
    with pytest.raises(BadCursor):
        decode_cursor(cursor, SearchQuery(text="jane"))


def test_a_page_asks_one_hit_more_and_continues_after_the_cursor():
    cursor = encode_cursor("-date", [1772582400000, "transaction:b"])
    body = search_body(SearchQuery(sort="-date", limit=20, after=cursor))
    assert body["size"] == 21
    assert body["search_after"] == [1772582400000, "transaction:b"]
    assert body["source_excludes"] == ["suggest"]
    assert "search_after" not in search_body(SearchQuery())
    with pytest.raises(BadCursor, match="sorted by 'date'|sorted by '-date'"):
        search_body(SearchQuery(sort="date", after=cursor))


def test_a_scan_pages_over_a_point_in_time_with_its_tiebreaker_and_resumes_after_the_cursor():
    body = scan_body(SearchQuery(sort="amount", limit=5), 1000)
    assert body["size"] == 1000
    assert body["sort"] == [*sort_clauses(SearchQuery(sort="amount")), {"_shard_doc": {"order": "asc"}}]
    assert body["track_total_hits"] is False
    assert "search_after" not in body
    cursor = encode_cursor("amount", [50010, "transaction:b"])
    resumed = scan_body(SearchQuery(sort="amount", after=cursor), 1000)
    # The cursor's own hit (same amount and id, any shard position) sorts before the largest long: skipped.
    assert resumed["search_after"] == [50010, "transaction:b", LARGEST_LONG]
    assert LARGEST_LONG == 9223372036854775807
    assert scan_body(SearchQuery(text="--"), 1000) is None
    assert set(body) <= set(inspect.signature(Elasticsearch.search).parameters)


def test_counts_are_exact_on_request_and_otherwise_exact_up_to_a_limit():
    assert search_body(SearchQuery(exact_count=True))["track_total_hits"] is True
    assert search_body(SearchQuery())["track_total_hits"] == ESTIMATED_COUNT_LIMIT


@pytest.mark.parametrize(
    "body",
    [
        search_body(SearchQuery(text="jane", after=encode_cursor("relevance", [1.0, 2, "a"]))),
        search_body(
            SearchQuery(
                text="jane teach",
                kinds=("transaction",),
                entity_types=("recipient_committee",),
                forms=("F460",),
                schedules=("schedule_a",),
                entity_ids=("1400001",),
                cities=("Davis",),
                states=("CA",),
                zip_codes=("95616",),
                employers=("Acme",),
                occupations=("Farmer",),
                election_cycles=(2026,),
                date_from=date(2026, 1, 1),
                date_to=date(2026, 6, 30),
                amount_min=Decimal("1"),
                amount_max=Decimal("5000"),
                sort="-amount",
            )
        ),
        scan_body(SearchQuery(sort="date", after=encode_cursor("date", [1, "a"])), 1000),
        aggregate_body(SearchQuery(), "month", 5),
        aggregate_body(SearchQuery(), "employer", 5),
        aggregate_body(SearchQuery(text="jane"), "entity", 5),
        suggest_body("fri", 5),
        newest_versions_body(["f1"]),
        count_body("entity"),
        {key: value for key, value in supersede_body("f1", 1, 0).items() if key == "query"},
        {key: value for key, value in resupersede_body({"f1": 1}, 0).items() if key == "query"},
    ],
    ids=[
        "search",
        "search-every-filter",
        "scan",
        "aggregate-month",
        "aggregate-terms",
        "aggregate-entity",
        "suggest",
        "newest-versions",
        "count",
        "supersede",
        "resupersede",
    ],
)
def test_bodies_are_keyword_arguments_of_the_clients_search(body):
    assert set(body) <= set(inspect.signature(Elasticsearch.search).parameters)
    json.dumps(body)
    # elasticsearch.dsl parses the request body, refusing unknown query and aggregation types.
    request = {key: value for key, value in body.items() if key not in ("source_excludes", "source_includes")}
    assert Search.from_dict(request).to_dict() == request


def test_count_body_counts_all_or_one_kind():
    assert count_body(None) == {"query": {"match_all": {}}}
    assert count_body("entity") == {"query": {"term": {"kind": "entity"}}}
    assert set(count_body(None)) <= set(inspect.signature(Elasticsearch.count).parameters)


def _hit(document: SearchDocument, sort: list) -> dict:
    return {"_id": document.id, "_source": document_source(document), "sort": sort}


def test_reading_a_page_returns_documents_count_and_cursor_of_its_last_hit():
    query = SearchQuery(sort="-date", limit=2)
    documents = [_transaction(id=f"transaction:f1:1:A:{n}", line=n) for n in range(3)]
    response = {
        "hits": {
            "total": {"value": 10_000, "relation": "gte"},
            "hits": [_hit(document, [1000 - n, document.id]) for n, document in enumerate(documents)],
        }
    }
    results = read_hits(response, query)
    assert results.documents == documents[:2]
    assert results.count == 10_000
    assert results.count_exact is False
    assert decode_cursor(results.next_cursor, query) == [999, "transaction:f1:1:A:1"]


def test_the_last_page_has_no_cursor_and_an_exact_count():
    query = SearchQuery(sort="-date", limit=2)
    response = {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [_hit(_entity(), [5, "entity:1400001"])]}}
    results = read_hits(response, query)
    assert results.documents == [_entity()]
    assert (results.count, results.count_exact, results.next_cursor) == (1, True, None)


# Aggregates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", [grouping for grouping in GROUPINGS if grouping != "month"])
def test_groups_are_terms_of_the_top_sums_of_matching_transactions(by):
    body = aggregate_body(SearchQuery(states=("CA",)), by, 7)
    groups = body["aggs"]["groups"]
    assert groups["terms"]["field"] == GROUP_FIELDS[by]
    assert groups["terms"]["size"] == 7
    assert groups["terms"]["shard_size"] >= 70
    assert groups["terms"]["order"] == [{"total": "desc"}, {"_key": "asc"}]
    assert groups["aggs"]["total"] == {"sum": {"field": "amount_cents"}}
    filters = _clauses_of(body)
    assert {"terms": {"state": ["ca"]}} in filters
    assert {"term": {"kind": TRANSACTION}} in filters
    assert {"exists": {"field": "amount_cents"}} in filters
    assert body["size"] == 0


@pytest.mark.parametrize(
    ("by", "field"), [("contributor", "name"), ("employer", "employer"), ("entity", "entity_name")]
)
def test_name_groups_fetch_the_text_of_their_newest_row(by, field):
    shown = aggregate_body(SearchQuery(), by, 3)["aggs"]["groups"]["aggs"]["shown"]
    assert shown == {
        "top_hits": {"size": 1, "sort": [{"dated_at": {"order": "desc"}}], "_source": {"includes": [field]}}
    }
    assert "shown" not in aggregate_body(SearchQuery(), "zip", 3)["aggs"]["groups"]["aggs"]


def test_months_are_a_monthly_date_histogram_of_sums():
    groups = aggregate_body(SearchQuery(), "month", 3)["aggs"]["groups"]
    assert groups["date_histogram"] == {
        "field": "dated_at",
        "calendar_interval": "month",
        "format": "yyyy-MM",
        "min_doc_count": 1,
    }
    assert groups["aggs"] == {"total": {"sum": {"field": "amount_cents"}}}


def test_an_unknown_grouping_or_no_groups_is_refused():
    with pytest.raises(ValueError, match="group by"):
        aggregate_body(SearchQuery(), "color", 5)
    with pytest.raises(ValueError, match="top"):
        aggregate_body(SearchQuery(), "zip", 0)


def test_reading_groups_gives_exact_totals_largest_first_and_at_most_top():
    response = {
        "aggregations": {
            "groups": {
                "buckets": [
                    {"key": 1767225600000, "key_as_string": "2026-01", "doc_count": 2, "total": {"value": 20000.0}},
                    {"key": 1769904000000, "key_as_string": "2026-02", "doc_count": 1, "total": {"value": 50010.0}},
                    {"key": 1772323200000, "key_as_string": "2026-03", "doc_count": 4, "total": {"value": 20000.0}},
                ]
            }
        }
    }
    aggregate = read_aggregate(response, "month", 2)
    assert aggregate.by == "month"
    assert [(bucket.key, bucket.total, bucket.count, bucket.label) for bucket in aggregate.buckets] == [
        ("2026-02", Decimal("500.10"), 1, None),
        ("2026-01", Decimal("200.00"), 2, None),
    ]
    terms = {"aggregations": {"groups": {"buckets": [{"key": "95814", "doc_count": 3, "total": {"value": 1.0}}]}}}
    assert read_aggregate(terms, "zip", 5).buckets[0].key == "95814"
    assert read_aggregate({"aggregations": {"groups": {"buckets": []}}}, "zip", 5).buckets == []


def _shown(field: str, text: str) -> dict:
    return {"hits": {"hits": [{"_source": {field: text}}]}}


def test_name_groups_are_keyed_by_the_name_as_written_and_entities_by_id_with_their_name():
    contributors = {
        "aggregations": {
            "groups": {
                "buckets": [
                    {
                        "key": "jane doe",
                        "doc_count": 2,
                        "total": {"value": 75000.0},
                        "shown": _shown("name", "Jane Doe"),
                    },
                    {
                        "key": "pena, luis",
                        "doc_count": 1,
                        "total": {"value": 1e5},
                        "shown": _shown("name", "Peña, Luis"),
                    },
                ]
            }
        }
    }
    assert [(b.key, b.total, b.count) for b in read_aggregate(contributors, "contributor", 10).buckets] == [
        ("Peña, Luis", Decimal("1000.00"), 1),
        ("Jane Doe", Decimal("750.00"), 2),
    ]
    entities = {
        "aggregations": {
            "groups": {
                "buckets": [
                    {
                        "key": "1400001",
                        "doc_count": 5,
                        "total": {"value": 303000.0},
                        "shown": _shown("entity_name", "Friends of Example"),
                    }
                ]
            }
        }
    }
    (bucket,) = read_aggregate(entities, "entity", 5).buckets
    assert (bucket.key, bucket.label, bucket.total, bucket.count) == (
        "1400001",
        "Friends of Example",
        Decimal("3030.00"),
        5,
    )


# Typeahead --------------------------------------------------------------------------------------------------


def test_typeahead_asks_the_completion_field_for_distinct_names():
    body = suggest_body("  Fri ", 5)
    assert body["suggest"]["names"] == {
        "prefix": "Fri",
        "completion": {"field": "suggest", "size": 10, "skip_duplicates": True},
    }
    assert body["size"] == 0
    assert suggest_body(" '* ", 5) is None


def test_suggestions_read_back_once_each_with_entity_ids_for_filers_only():
    response = {
        "suggest": {
            "names": [
                {
                    "text": "fri",
                    "options": [
                        {"text": "Friends of Example", "_source": {"kind": ENTITY, "entity_id": "1400001"}},
                        {"text": "Fritz Doe", "_source": {"kind": TRANSACTION, "entity_id": "1400001"}},
                        {"text": "FRITZ  DOE", "_source": {"kind": TRANSACTION, "entity_id": "1400002"}},
                        {"text": "Frida Roe", "_source": {"kind": TRANSACTION, "entity_id": "1400001"}},
                    ],
                }
            ]
        }
    }
    suggestions = read_suggestions(response, 2)
    assert [(s.text, s.kind, s.entity_id) for s in suggestions] == [
        ("Friends of Example", ENTITY, "1400001"),
        ("Fritz Doe", TRANSACTION, None),
    ]
    assert read_suggestions({}, 5) == []
