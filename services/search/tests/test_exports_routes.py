import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from search.embedded_index import EmbeddedIndex
from search.gateway import create_app
from services.search.tests.test_exports_writers import transaction

SACRAMENTO = 3


@pytest.fixture
def index(tmp_path):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    cities = ["Sacramento"] * SACRAMENTO + ["Fresno", "Davis"]
    index.upsert_many(
        transaction(number, city=city, dated_at=datetime(2026, 3, number, tzinfo=UTC))
        for number, city in enumerate(cities, start=1)
    )
    return index


@pytest.fixture
def client(tmp_path, monkeypatch, migrated_sqlite, token_mint, index):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    app = create_app(database=migrated_sqlite("search"), verifier=token_mint.verifier, index=index)
    return app.test_client()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_export_streams_exactly_the_rows_the_search_matches(client):
    response = client.get("/api/search/exports.csv", query_string={"city": "sacramento", "sort": "date"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith('attachment; filename="cars-search-')
    rows = csv_rows(response)
    assert [row["Line"] for row in rows] == ["1", "2", "3"]
    assert {row["City"] for row in rows} == {"Sacramento"}
    assert rows[0]["Amount (USD)"] == "500.00"


def test_jsonl_export_streams_one_document_a_line(client):
    response = client.get("/api/search/exports.jsonl", query_string={"city": ["Fresno", "Davis"]})
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert sorted(record["city"] for record in records) == ["Davis", "Fresno"]


def test_a_search_over_the_row_cap_is_a_413_pointing_to_export_jobs(client, monkeypatch):
    monkeypatch.setenv("SEARCH_EXPORT_SYNC_ROW_CAP", "2")
    response = client.get("/api/search/exports.csv", query_string={"city": "Sacramento"})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert "POST /api/search/exports" in response.json["detail"]
    assert response.headers["Link"] == '</api/search/exports>; rel="create-form"'
    assert client.get("/api/search/exports.csv", query_string={"city": "Fresno"}).status_code == 200


def test_impossible_or_malformed_filters_name_the_parameter(client):
    impossible = client.get("/api/search/exports.csv", query_string={"amount_min": "10", "amount_max": "5"})
    assert (impossible.status_code, impossible.json["errors"][0]["field"]) == (400, "amount_min")
    malformed = client.get("/api/search/exports.jsonl", query_string={"kind": "lobbyist"})
    assert malformed.status_code == 422
    assert [error["field"] for error in malformed.json["errors"]] == ["kind.0"]


def test_anyone_may_ask_for_an_export_job_and_follow_it(client):
    response = client.post("/api/search/exports", json={"format": "csv", "query": {"city": ["Sacramento"]}})
    assert response.status_code == 202
    job = response.json
    assert response.headers["Location"] == f"/api/search/exports/{job['id']}"
    assert (job["status"], job["total"], job["rows_written"], job["progress_percent"]) == ("queued", 3, 0, 0)
    assert job["download_url"] is None
    assert job["query"] == {"city": ["Sacramento"], "include_history": False}
    assert client.get(f"/api/search/exports/{job['id']}").json == job
    download = client.get(f"/api/search/exports/{job['id']}/download")
    assert (download.status_code, download.json["errors"][0]["field"]) == (409, "export_id")


def test_unknown_export_is_404(client):
    assert client.get("/api/search/exports/no-such-export").status_code == 404
    assert client.get("/api/search/exports/no-such-export/download").status_code == 404


def test_a_signed_in_persons_jobs_are_listed_to_them_only(client, token_mint):
    mine = token_mint.headers(user_id="user-1")
    created = client.post("/api/search/exports", json={"format": "jsonl", "email": "Me@Example.org"}, headers=mine)
    assert created.status_code == 202
    client.post("/api/search/exports", json={"format": "csv"})
    listed = client.get("/api/search/exports", headers=mine).json
    assert (listed["count"], [job["id"] for job in listed["jobs"]]) == (1, [created.json["id"]])
    assert client.get("/api/search/exports", headers=token_mint.headers(user_id="user-2")).json["count"] == 0
    assert client.get("/api/search/exports").status_code == 401


def test_a_bad_token_is_refused_rather_than_treated_as_anonymous(client):
    response = client.post("/api/search/exports", json={"format": "csv"}, headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


def test_anonymous_export_jobs_are_limited_per_client_address(client):
    for _ in range(10):
        assert client.post("/api/search/exports", json={"format": "csv"}).status_code == 202
    refused = client.post("/api/search/exports", json={"format": "csv"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= int(timedelta(hours=1).total_seconds())
    other = client.post("/api/search/exports", json={"format": "csv"}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 202


def test_an_impossible_export_job_names_the_filter_in_its_query(client):
    response = client.post("/api/search/exports", json={"format": "csv", "query": {"election_cycle": [2025]}})
    assert (response.status_code, response.json["errors"][0]["field"]) == (400, "query.election_cycle")


def test_an_export_job_over_its_row_cap_is_refused_with_the_reason(client, monkeypatch):
    monkeypatch.setenv("SEARCH_EXPORT_ROW_CAP", "4")
    response = client.post("/api/search/exports", json={"format": "csv"})
    assert response.status_code == 413
    assert response.json["errors"][0]["field"] == "query"


def test_the_openapi_document_describes_the_exports(client):
    paths = client.get("/api/search/openapi.json").json["paths"]
    assert "text/csv" in paths["/api/search/exports.csv"]["get"]["responses"]["200"]["content"]
    assert {"400", "413"} <= set(paths["/api/search/exports.csv"]["get"]["responses"])
    assert {"202", "429"} <= set(paths["/api/search/exports"]["post"]["responses"])
