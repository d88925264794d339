import pytest

from notify.gateway import create_app

PREFERENCES = "/api/notify/preferences"


@pytest.fixture
def client(migrated_database, token_mint):
    return create_app(database=migrated_database("notify"), verifier=token_mint.verifier).test_client()


def test_preferences_start_as_every_kind_at_once(client, token_mint):
    response = client.get(PREFERENCES, headers=token_mint.headers(user_id="user-1"))
    assert response.json == {"email_kinds": ["correspondence", "payment_reminder"], "delivery": "immediate"}


def test_a_person_chooses_a_daily_digest_of_correspondence_only_and_others_are_unaffected(client, token_mint):
    chosen = {"email_kinds": ["correspondence"], "delivery": "daily_digest"}
    assert client.put(PREFERENCES, json=chosen, headers=token_mint.headers(user_id="user-1")).json == chosen
    assert client.get(PREFERENCES, headers=token_mint.headers(user_id="user-1")).json == chosen
    other = client.get(PREFERENCES, headers=token_mint.headers(user_id="user-2")).json
    assert other["delivery"] == "immediate"


def test_an_unknown_kind_is_a_422_naming_the_field(client, token_mint):
    response = client.put(
        PREFERENCES,
        json={"email_kinds": ["newsletter"], "delivery": "immediate"},
        headers=token_mint.headers(user_id="user-1"),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["email_kinds.0"]


def test_preferences_need_an_access_token(client):
    assert client.get(PREFERENCES).status_code == 401


def test_alert_routes_are_public_and_preferences_and_failures_need_a_token(client):
    paths = client.get("/api/notify/openapi.json").json["paths"]
    assert "security" not in paths["/api/notify/alerts/subscriptions"]["post"]
    assert "429" in paths["/api/notify/alerts/subscriptions"]["post"]["responses"]
    assert "security" not in paths["/api/notify/alerts/unsubscribe"]["post"]
    assert paths["/api/notify/preferences"]["put"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/notify/staff/failed-emails"]["get"]["security"] == [{"bearerAuth": []}]
