import pytest

from search.domain.documents import entity_document, filing_document
from search.embedded_index import EmbeddedIndex
from search.gateway import create_app


@pytest.fixture
def index(tmp_path, filing_accepted, entity_registered):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.upsert(filing_document(filing_accepted()["payload"]))
    index.upsert(entity_document(entity_registered()["payload"]))
    index.upsert(entity_document(entity_registered(entity_id="1400002", name="Neighbors for Parks")["payload"]))
    return index


@pytest.fixture
def client(migrated_sqlite, token_mint, index):
    app = create_app(database=migrated_sqlite("search"), verifier=token_mint.verifier, index=index)
    return app.test_client()


def test_public_search_finds_a_committees_filing_by_name_without_a_token(client):
    response = client.get("/api/search/documents", query_string={"q": "friends of exam", "kind": "filing"})
    assert response.status_code == 200
    assert response.json["count"] == 1
    filing = response.json["results"][0]
    assert filing["id"] == "filing:b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"
    assert (filing["kind"], filing["entity_id"], filing["form"]) == ("filing", "1400001", "F460")
    assert filing["description"].startswith("Recipient Committee Campaign Statement filed by Friends of Example")
    assert (filing["period_start"], filing["totals"]) == ("2026-01-01", {"contributions_received": "1500.00"})


def test_search_without_kind_finds_filings_and_filers(client):
    response = client.get("/api/search/documents?q=friends")
    assert {result["kind"] for result in response.json["results"]} == {"filing", "entity"}


def test_search_without_words_lists_the_newest_documents(client):
    response = client.get("/api/search/documents?limit=1")
    assert response.status_code == 200
    assert response.json["count"] == 3
    assert [result["kind"] for result in response.json["results"]] == ["filing"]


def test_hostile_query_text_is_an_ordinary_search(client):
    for text in ["AND(", '"', "NEAR(", "*"]:
        response = client.get("/api/search/documents", query_string={"q": text})
        assert response.status_code == 200
        assert response.json == {"results": [], "count": 0} or response.json["count"] >= 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": "friends", "limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"kind": "lobbyist"}, "kind"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_bad_parameters_are_a_422_problem_naming_the_parameter(client, query, field):
    response = client.get("/api/search/documents", query_string=query)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_openapi_document_describes_the_search(client):
    document = client.get("/api/search/openapi.json").json
    operation = document["paths"]["/api/search/documents"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"q", "kind", "limit"}
    assert "security" not in operation
