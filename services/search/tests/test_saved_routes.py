from datetime import UTC, datetime
from decimal import Decimal

import pytest

from search.embedded_index import EmbeddedIndex
from search.gateway import create_app
from services.search.tests.test_exports_writers import transaction

TEACHERS = {"name": "Teachers in Sacramento", "query": {"occupation": ["Teacher"], "city": ["Sacramento"]}}


@pytest.fixture
def index(tmp_path):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.upsert_many(
        [
            transaction(1, name="Jane Doe", employer="Unified School District", amount=Decimal("500")),
            transaction(2, name="Jane Doe", employer="Unified School District", amount=Decimal("250")),
            transaction(3, name="Sam Roe", employer="City College", amount=Decimal("100")),
            transaction(4, name="Al Poe", occupation="Engineer", amount=Decimal("900")),
        ]
    )
    return index


@pytest.fixture
def client(tmp_path, monkeypatch, migrated_sqlite, token_mint, index):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_URL", "https://cars.example")
    app = create_app(database=migrated_sqlite("search"), verifier=token_mint.verifier, index=index)
    return app.test_client()


@pytest.fixture
def me(token_mint):
    return token_mint.headers(user_id="user-1")


@pytest.fixture
def saved(client, me):
    response = client.post(
        "/api/search/saved-searches", json={**TEACHERS, "report": {"by": "employer", "top": 5}}, headers=me
    )
    assert response.status_code == 201
    return response.json


def test_a_saved_search_keeps_its_name_filters_and_report(saved):
    assert saved["name"] == "Teachers in Sacramento"
    assert saved["query"] == {"occupation": ["Teacher"], "city": ["Sacramento"], "include_history": False}
    assert (saved["report"], saved["schedule"], saved["next_run_at"], saved["share_url"]) == (
        {"by": "employer", "top": 5},
        "never",
        None,
        None,
    )


def test_rerun_gives_the_results_and_report_of_now(client, me, saved):
    run = client.get(f"/api/search/saved-searches/{saved['id']}/results", headers=me).json
    assert run["count"] == 3
    assert {result["name"] for result in run["results"]} == {"Jane Doe", "Sam Roe"}
    assert run["report"]["by"] == "employer"
    assert [(bucket["key"], bucket["total"]) for bucket in run["report"]["buckets"]] == [
        ("Unified School District", "750.00"),
        ("City College", "100.00"),
    ]
    page = client.get(f"/api/search/saved-searches/{saved['id']}/results?limit=2", headers=me).json
    assert len(page["results"]) == 2 and page["next_cursor"]
    rest = client.get(
        f"/api/search/saved-searches/{saved['id']}/results",
        query_string={"limit": 2, "after": page["next_cursor"]},
        headers=me,
    ).json
    assert len(rest["results"]) == 1 and rest["next_cursor"] is None


def test_the_owner_lists_renames_and_deletes_saved_searches(client, me, saved):
    other = client.post("/api/search/saved-searches", json={"name": "Everything"}, headers=me).json
    assert [s["name"] for s in client.get("/api/search/saved-searches", headers=me).json["saved_searches"]] == [
        "Everything",
        "Teachers in Sacramento",
    ]
    renamed = client.patch(f"/api/search/saved-searches/{saved['id']}", json={"name": "Teachers"}, headers=me)
    assert (renamed.status_code, renamed.json["name"]) == (200, "Teachers")
    taken = client.patch(f"/api/search/saved-searches/{other['id']}", json={"name": "Teachers"}, headers=me)
    assert (taken.status_code, taken.json["errors"][0]["field"]) == (409, "name")
    assert client.delete(f"/api/search/saved-searches/{other['id']}", headers=me).status_code == 204
    assert client.get(f"/api/search/saved-searches/{other['id']}", headers=me).status_code == 404


def test_a_name_is_taken_once_per_person(client, me, token_mint, saved):
    again = client.post("/api/search/saved-searches", json=TEACHERS, headers=me)
    assert again.status_code == 409
    theirs = client.post("/api/search/saved-searches", json=TEACHERS, headers=token_mint.headers(user_id="user-2"))
    assert theirs.status_code == 201


def test_another_persons_saved_search_is_not_found(client, token_mint, saved):
    stranger = token_mint.headers(user_id="user-2")
    for method, suffix in [("get", ""), ("patch", ""), ("delete", ""), ("get", "/results"), ("put", "/share")]:
        response = getattr(client, method)(
            f"/api/search/saved-searches/{saved['id']}{suffix}", json={"name": "Mine now"}, headers=stranger
        )
        assert response.status_code == 404, (method, suffix)
    assert client.get("/api/search/saved-searches", headers=stranger).json == {"saved_searches": []}


def test_saved_searches_need_a_signed_in_person(client):
    assert client.get("/api/search/saved-searches").status_code == 401
    assert client.post("/api/search/saved-searches", json=TEACHERS).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": " "}, 422, "name"),
        ({"name": "x", "query": {"kind": ["lobbyist"]}}, 422, "query.kind.0"),
        ({"name": "x", "report": {"by": "colour"}}, 422, "report.by"),
        ({"name": "x", "schedule": "hourly"}, 422, "schedule"),
        ({"name": "x", "query": {"date_from": "2026-02-01", "date_to": "2026-01-01"}}, 400, "query.date_from"),
    ],
)
def test_bad_saved_searches_are_refused_naming_the_field(client, me, body, status, field):
    response = client.post("/api/search/saved-searches", json=body, headers=me)
    assert response.status_code == status
    assert response.json["errors"][0]["field"] == field


def test_scheduling_sets_the_next_run_and_unscheduling_clears_it(client, me, saved):
    daily = client.patch(f"/api/search/saved-searches/{saved['id']}", json={"schedule": "daily"}, headers=me).json
    assert daily["schedule"] == "daily"
    assert datetime.fromisoformat(daily["next_run_at"]) > datetime.now(UTC)
    assert datetime.fromisoformat(daily["next_run_at"]).hour == 14
    never = client.patch(f"/api/search/saved-searches/{saved['id']}", json={"schedule": "never"}, headers=me).json
    assert never["next_run_at"] is None


def test_a_share_link_reruns_the_search_without_an_account_until_revoked(client, me, saved):
    shared = client.put(f"/api/search/saved-searches/{saved['id']}/share", headers=me).json
    assert shared["share_url"].startswith("https://cars.example/api/search/shared/")
    assert client.put(f"/api/search/saved-searches/{saved['id']}/share", headers=me).json == shared
    public_path = shared["share_url"].removeprefix("https://cars.example")
    run = client.get(public_path)
    assert run.status_code == 200
    assert (run.json["name"], run.json["count"], len(run.json["report"]["buckets"])) == (
        "Teachers in Sacramento",
        3,
        2,
    )
    assert client.post(public_path).status_code == 405
    revoked = client.delete(f"/api/search/saved-searches/{saved['id']}/share", headers=me)
    assert (revoked.status_code, revoked.json["share_url"]) == (200, None)
    gone = client.get(public_path)
    assert (gone.status_code, gone.json["errors"][0]["field"]) == (404, "token")
    renewed = client.put(f"/api/search/saved-searches/{saved['id']}/share", headers=me).json
    assert renewed["share_url"] != shared["share_url"]


def test_made_up_share_links_are_not_found(client):
    assert client.get("/api/search/shared/" + "a" * 43).status_code == 404
    assert client.get("/api/search/shared/short").status_code == 404


def test_a_cursor_not_given_out_is_a_400_naming_after(client, me, saved):
    response = client.get(f"/api/search/saved-searches/{saved['id']}/results?after=bm9uc2Vuc2U", headers=me)
    assert (response.status_code, response.json["errors"][0]["field"]) == (400, "after")
