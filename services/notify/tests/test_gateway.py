from datetime import UTC, datetime

import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from notify import handlers
from notify.gateway import create_app


def notice_for(user_id, correspondence_id, day):
    return read_event(
        make_event(
            "correspondence",
            "correspondence_issued",
            {
                "correspondence_id": correspondence_id,
                "number": f"C-2026-{day:06d}",
                "kind": "annual_fee_notice",
                "title": f"Notice of day {day}",
                "entity_id": None,
                "user_id": user_id,
                "issued_at": datetime(2026, 3, day, 17, 0, tzinfo=UTC),
            },
        )
    )


@pytest.fixture
def client(migrated_sqlite, token_mint):
    database = migrated_sqlite("notify")
    with database.session() as session:
        for user_id in ("user-1", "user-2"):
            registered = {"user_id": user_id, "username": user_id, "email": f"{user_id}@example.org"}
            handlers.record_contact(session, read_event(make_event("accounts", "user_registered", registered)))
    for user_id, correspondence_id, day in (("user-1", "c-1", 1), ("user-1", "c-2", 2), ("user-2", "c-3", 3)):
        with database.session() as session:
            handlers.notify_of_correspondence(
                session, notice_for(user_id, correspondence_id, day), portal_url="http://portal"
            )
    app = create_app(database=database, verifier=token_mint.verifier)
    return app.test_client()


def test_callers_notices_come_newest_first_with_the_unread_count(client, token_mint):
    response = client.get("/api/notify/notices", headers=token_mint.headers(user_id="user-1"))
    assert response.status_code == 200
    assert response.json["unread"] == 2
    assert [n["correspondence_id"] for n in response.json["notices"]] == ["c-2", "c-1"]
    assert response.json["notices"][0]["created_at"] == "2026-03-02T17:00:00+00:00"


def test_reading_a_notice_marks_it_read_and_lowers_the_unread_count(client, token_mint):
    headers = token_mint.headers(user_id="user-1")
    notice_id = client.get("/api/notify/notices", headers=headers).json["notices"][0]["id"]
    first = client.post(f"/api/notify/notices/{notice_id}/read", headers=headers)
    again = client.post(f"/api/notify/notices/{notice_id}/read", headers=headers)
    assert first.status_code == 200
    assert first.json["read_at"] is not None
    assert again.json["read_at"] == first.json["read_at"]
    assert client.get("/api/notify/notices", headers=headers).json["unread"] == 1


def test_another_users_notice_is_a_404_problem(client, token_mint):
    others = client.get("/api/notify/notices", headers=token_mint.headers(user_id="user-2")).json["notices"][0]["id"]
    response = client.post(f"/api/notify/notices/{others}/read", headers=token_mint.headers(user_id="user-1"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    unread = client.get("/api/notify/notices", headers=token_mint.headers(user_id="user-2")).json["unread"]
    assert unread == 1


def test_malformed_notice_id_is_a_404_problem(client, token_mint):
    response = client.post("/api/notify/notices/not-a-notice/read", headers=token_mint.headers(user_id="user-1"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_notices_need_an_access_token(client):
    response = client.get("/api/notify/notices")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_limit_out_of_range_is_a_422_naming_the_field(client, token_mint):
    response = client.get("/api/notify/notices?limit=0", headers=token_mint.headers(user_id="user-1"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["limit"]


def test_openapi_documents_the_notice_routes_as_bearer_protected(client):
    paths = client.get("/api/notify/openapi.json").json["paths"]
    assert paths["/api/notify/notices"]["get"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/notify/notices/{notice_id}/read"]["post"]["security"] == [{"bearerAuth": []}]
