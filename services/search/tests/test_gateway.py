from datetime import UTC, date, datetime

import pytest

from search.domain.documents import entity_document, filing_document, transaction_document
from search.embedded_index import EmbeddedIndex
from search.gateway import create_app

FILING = "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"
ENVELOPE = {
    "filing_id": FILING,
    "entity_id": "1400001",
    "entity_name": "Friends of Example",
    "form": "F460",
    "form_name": "Recipient Committee Campaign Statement",
    "amendment": 0,
    "period_start": date(2026, 1, 1),
    "period_end": date(2026, 6, 30),
    "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
}


def contribution(line, name, amount, day, **values):
    values = {"date": day, "contributor_name": name, "zip": "95814", "amount": amount, **values}
    return transaction_document(ENVELOPE, "schedule_a", "Schedule A: monetary contributions received", line, values)


@pytest.fixture
def index(tmp_path, filing_accepted, entity_registered):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.upsert(entity_document(entity_registered()["payload"]))
    index.upsert(entity_document(entity_registered(entity_id="1400002", name="Neighbors for Parks")["payload"]))
    index.replace_filing(
        FILING,
        0,
        [
            filing_document(filing_accepted()["payload"]),
            contribution(1, "Jane Doe", "500.00", "2026-02-10", employer="Unified School District"),
            contribution(2, "Jane Doe", "250.00", "2026-03-10", employer="Unified School District"),
            contribution(3, "Luis Peña", "1000.00", "2026-04-10", employer="Acme Farms", zip="95616"),
        ],
    )
    return index


@pytest.fixture
def client(migrated_sqlite, token_mint, index):
    app = create_app(database=migrated_sqlite("search"), verifier=token_mint.verifier, index=index)
    return app.test_client()


def test_public_search_finds_a_committees_filing_by_name_without_a_token(client):
    response = client.get("/api/search/documents", query_string={"q": "friends of exam", "kind": "filing"})
    assert response.status_code == 200
    assert (response.json["count"], response.json["count_exact"], response.json["next_cursor"]) == (1, True, None)
    filing = response.json["results"][0]
    assert filing["id"] == f"filing:{FILING}"
    assert (filing["kind"], filing["entity_id"], filing["form"], filing["current"]) == (
        "filing",
        "1400001",
        "F460",
        True,
    )
    assert filing["description"].startswith("Recipient Committee Campaign Statement filed by Friends of Example")
    assert (filing["period_start"], filing["totals"]) == ("2026-01-01", {"contributions_received": "1500.00"})


def test_transactions_are_filtered_by_repeated_parameters_and_sorted(client):
    response = client.get(
        "/api/search/documents",
        query_string=[("kind", "transaction"), ("zip", "95814-0001"), ("zip", "95616"), ("sort", "-amount")],
    )
    assert response.status_code == 200
    assert [(r["name"], r["amount"]) for r in response.json["results"]] == [
        ("Luis Peña", "1000.00"),
        ("Jane Doe", "500.00"),
        ("Jane Doe", "250.00"),
    ]
    ranged = client.get(
        "/api/search/documents",
        query_string={"amount_min": "300", "amount_max": "1000", "date_from": "2026-01-01", "election_cycle": 2026},
    )
    assert ranged.json["count"] == 2


def test_pages_continue_from_the_cursor(client):
    first = client.get("/api/search/documents", query_string={"kind": "transaction", "sort": "date", "limit": 2}).json
    rest = client.get(
        "/api/search/documents",
        query_string={"kind": "transaction", "sort": "date", "limit": 2, "after": first["next_cursor"]},
    ).json
    assert [r["line"] for r in first["results"] + rest["results"]] == [1, 2, 3]
    assert rest["next_cursor"] is None


def test_one_document_is_read_by_its_id(client):
    response = client.get(f"/api/search/documents/transaction:{FILING}:0:schedule_a:3")
    assert response.status_code == 200
    assert (response.json["name"], response.json["zip_code"]) == ("Luis Peña", "95616")
    missing = client.get("/api/search/documents/transaction:nope")
    assert (missing.status_code, missing.json["errors"][0]["field"]) == (404, "document_id")


def test_aggregates_total_the_matching_transactions(client):
    response = client.get("/api/search/aggregates", query_string={"by": "contributor", "top": 1})
    assert response.status_code == 200
    assert response.json == {
        "by": "contributor",
        "buckets": [{"key": "Luis Peña", "label": None, "total": "1000.00", "count": 1}],
    }
    by_employer = client.get("/api/search/aggregates", query_string={"by": "employer", "q": "jane"}).json
    assert by_employer["buckets"] == [{"key": "Unified School District", "label": None, "total": "750.00", "count": 2}]


def test_typeahead_offers_names_starting_with_the_prefix(client):
    response = client.get("/api/search/typeahead", query_string={"prefix": "ja"})
    assert response.json == {"suggestions": [{"text": "Jane Doe", "kind": "transaction", "entity_id": None}]}
    filers = client.get("/api/search/typeahead", query_string={"prefix": "Neigh"}).json["suggestions"]
    assert filers == [{"text": "Neighbors for Parks", "kind": "entity", "entity_id": "1400002"}]


def test_hostile_query_text_is_an_ordinary_search(client):
    for text in ["AND(", '"', "NEAR(", "*"]:
        response = client.get("/api/search/documents", query_string={"q": text})
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_from"),
        ({"filed_from": "2026-12-02", "filed_to": "2026-12-01"}, "filed_from"),
        ({"amount_min": "100", "amount_max": "99.99"}, "amount_min"),
        ({"election_cycle": 2025}, "election_cycle"),
        ({"after": "bm90IGEgY3Vyc29y"}, "after"),
        ({"sort": "date", "after": "WyJhbW91bnQiLDEsIngiXQ"}, "after"),
    ],
)
def test_impossible_queries_are_a_400_problem_naming_the_parameter(client, query, field):
    response = client.get("/api/search/documents", query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == field


def test_impossible_aggregate_is_a_400_too(client):
    response = client.get("/api/search/aggregates", query_string={"by": "month", "election_cycle": 2027})
    assert (response.status_code, response.json["errors"][0]["field"]) == (400, "election_cycle")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": "friends", "limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"kind": "lobbyist"}, "kind.0"),
        ({"limit": "many"}, "limit"),
        ({"sort": "name"}, "sort"),
        ({"zip": "9581"}, "zip.0"),
        ({"state": "California"}, "state.0"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"filed_from": "2026-02-30"}, "filed_from"),
        ({"sort": "filed_at"}, "sort"),
        ({"amount_min": "NaN"}, "amount_min"),
        ([("city", f"City {n}") for n in range(51)], "city"),
    ],
)
def test_malformed_parameters_are_a_422_problem_naming_the_parameter(client, query, field):
    response = client.get("/api/search/documents", query_string=query)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_openapi_document_describes_every_filter_and_route(client):
    document = client.get("/api/search/openapi.json").json
    operation = document["paths"]["/api/search/documents"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "kind", "zip", "election_cycle", "amount_min", "sort", "after", "exact_count", "limit"} <= names
    assert {"filed_from", "filed_to"} <= names
    sort = next(parameter for parameter in operation["parameters"] if parameter["name"] == "sort")
    assert {"filed", "-filed"} <= set(sort["schema"]["enum"])
    assert "security" not in operation
    assert {"/api/search/aggregates", "/api/search/typeahead", "/api/search/documents/{document_id}"} <= set(
        document["paths"]
    )


def test_filing_day_filters_and_order_and_filters_without_accents(client):
    filed = {"filed_from": "2026-07-31", "filed_to": "2026-07-31", "kind": "transaction", "sort": "-filed"}
    response = client.get("/api/search/documents", query_string=filed)
    assert (response.status_code, response.json["count"]) == (200, 3)
    later = client.get("/api/search/documents", query_string={"filed_from": "2026-08-01"})
    assert later.json["count"] == 0
    accented = client.get("/api/search/documents", query_string={"employer": "ÁCME  FARMS"})
    assert [result["name"] for result in accented.json["results"]] == ["Luis Peña"]
