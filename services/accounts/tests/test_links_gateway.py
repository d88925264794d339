from datetime import UTC, date, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from accounts import handlers as account_handlers
from accounts.audit.models import AuditEntry
from accounts.domain.throttling import CLAIMS_PER_ENTITY
from accounts.gateway import create_app
from accounts.links import handlers
from accounts.signing_key import SigningKey
from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox

PASSWORD = "quiet river stone"
ADDRESS = {"street": "1500 11th Street", "city": "Sacramento", "state": "CA", "zip": "95814"}


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


@pytest.fixture
def client(database, token_mint):
    app = create_app(database=database, verifier=token_mint.verifier, signing_key=SigningKey.generate())
    return app.test_client()


@pytest.fixture
def people(database, token_mint):
    """Accounts by name, each with the headers of a bearer token; an officer-run entity 2000001."""

    def make(name, roles=("filer",)):
        with database.session() as session:
            user = account_handlers.register_user(session, name, f"{name}@example.org", PASSWORD)
            user.roles = list(roles)
        return {"id": user.id, "headers": token_mint.headers(user_id=user.id, username=name, roles=tuple(roles))}

    accounts = {
        "officer": make("officer1"),
        "asker": make("asker1"),
        "stranger": make("stranger1"),
        "staff": make("clerk1", ("staff",)),
        "admin": make("root1", ("administrator",)),
        "partner": make("auditor1", ("partner",)),
    }
    event = make_event(
        "filings",
        "entity_registered",
        {
            "entity_id": "2000001",
            "name": "Friends of Example",
            "entity_type": "recipient_committee",
            "registered_by": accounts["officer"]["id"],
            "registered_on": date(2026, 3, 2),
            "filing_id": "filing-1",
        },
    )
    with database.session() as session:
        handlers.record_entity(session, event)
        account_handlers.link_registrant_to_entity(session, event)
        handlers.record_legacy_entity(session, "1400001", "Committee to Keep Example", ADDRESS)
    return accounts


def test_a_link_request_goes_to_the_officer_who_approves_it(client, people):
    asked = client.post(
        "/api/accounts/links", json={"entity_id": "2000001", "role": "agent"}, headers=people["asker"]["headers"]
    )
    assert asked.status_code == 201 and asked.json["status"] == "pending"
    waiting = client.get("/api/accounts/links/pending", headers=people["officer"]["headers"])
    assert [item["link_id"] for item in waiting.json["items"]] == [asked.json["link_id"]]
    assert client.get("/api/accounts/links/pending", headers=people["stranger"]["headers"]).json["items"] == []
    link_id = asked.json["link_id"]
    refused = client.post(f"/api/accounts/links/{link_id}/approve", json={}, headers=people["stranger"]["headers"])
    assert refused.status_code == 403
    approved = client.post(f"/api/accounts/links/{link_id}/approve", json={}, headers=people["officer"]["headers"])
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    mine = client.get("/api/accounts/links", headers=people["asker"]["headers"]).json["items"]
    assert [(item["entity_id"], item["role"], item["status"]) for item in mine] == [("2000001", "agent", "approved")]


def test_the_last_officer_cannot_step_down_over_http(client, people):
    links = client.get("/api/accounts/entities/2000001/links", headers=people["officer"]["headers"]).json["items"]
    [own] = links
    response = client.post(f"/api/accounts/links/{own['link_id']}/revoke", headers=people["officer"]["headers"])
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    downgrade = client.put(
        f"/api/accounts/links/{own['link_id']}/role", json={"role": "viewer"}, headers=people["staff"]["headers"]
    )
    assert downgrade.status_code == 409


def test_a_stranger_cannot_see_an_entitys_links(client, people):
    response = client.get("/api/accounts/entities/2000001/links", headers=people["stranger"]["headers"])
    assert response.status_code == 403


def test_claiming_a_migrated_entity_with_the_mailed_code(client, people, database):
    issued = client.post(
        "/api/accounts/admin/access-codes", json={"entity_ids": ["1400001"]}, headers=people["staff"]["headers"]
    )
    assert issued.status_code == 201
    assert set(issued.json["items"][0]) == {"code_id", "entity_id", "expires_on"}
    with database.session() as session:
        from sqlalchemy import select

        from cars_shared.messaging_tables import outbox

        letter = session.scalar(select(outbox.c.envelope).where(outbox.c.event_type == "entity_access_code_issued"))
    body = {"entity_id": "1400001", "role": "officer", "access_code": letter["payload"]["access_code"].lower()}
    claimed = client.post("/api/accounts/links", json=body, headers=people["asker"]["headers"])
    assert claimed.status_code == 201 and claimed.json["status"] == "approved"
    again = client.post("/api/accounts/links", json=body, headers=people["stranger"]["headers"])
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "access_code"


def test_only_staff_issue_access_codes(client, people):
    for who in ("officer", "partner"):
        response = client.post(
            "/api/accounts/admin/access-codes", json={"all_unclaimed": True}, headers=people[who]["headers"]
        )
        assert response.status_code == 403


def test_an_administrator_creates_staff_and_partner_accounts_and_nobody_else_can(client, people):
    body = {"username": "auditor2", "email": "a2@example.org", "password": PASSWORD, "roles": ["partner"]}
    for who in ("staff", "officer"):
        assert client.post("/api/accounts/admin/users", json=body, headers=people[who]["headers"]).status_code == 403
    created = client.post("/api/accounts/admin/users", json=body, headers=people["admin"]["headers"])
    assert created.status_code == 201 and created.json["roles"] == ["partner"]
    sign_up_as_staff = client.post("/api/accounts/users", json={**body, "username": "sneaky1", "roles": ["staff"]})
    assert sign_up_as_staff.status_code == 422
    assert [error["field"] for error in sign_up_as_staff.json["errors"]] == ["roles"]


def test_staff_grant_a_partner_read_access_for_a_period(client, people):
    today = datetime.now(UTC).date()
    body = {
        "partner_id": people["partner"]["id"],
        "entity_id": "2000001",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
    }
    assert (
        client.post("/api/accounts/admin/partner-grants", json=body, headers=people["officer"]["headers"]).status_code
        == 403
    )
    granted = client.post("/api/accounts/admin/partner-grants", json=body, headers=people["staff"]["headers"])
    assert granted.status_code == 201
    backwards = {**body, "ends_on": (today - timedelta(days=1)).isoformat()}
    refused = client.post("/api/accounts/admin/partner-grants", json=backwards, headers=people["staff"]["headers"])
    assert refused.status_code == 409 and refused.json["errors"][0]["field"] == "ends_on"
    listed = client.get(
        "/api/accounts/admin/partner-grants",
        query_string={"partner_id": people["partner"]["id"]},
        headers=people["staff"]["headers"],
    )
    assert [grant["entity_id"] for grant in listed.json["items"]] == ["2000001"]
    revoked = client.post(
        f"/api/accounts/admin/partner-grants/{granted.json['grant_id']}/revoke", headers=people["staff"]["headers"]
    )
    assert revoked.status_code == 200 and revoked.json["revoked_at"]


def test_sign_in_puts_links_and_partner_grants_in_the_token(client, people, database):
    import jwt

    today = datetime.now(UTC).date()
    with database.session() as session:
        staff = handlers.Caller(people["staff"]["id"])
        handlers.grant_partner_access(session, staff, people["partner"]["id"], "2000001", today, today)
    for name, username in (("officer", "officer1"), ("partner", "auditor1")):
        token = client.post("/api/accounts/sessions", json={"username": username, "password": PASSWORD})
        assert token.status_code == 200, token.json
        claims = jwt.decode(token.json["access_token"], options={"verify_signature": False})
        if name == "officer":
            assert claims["entities"] == [{"entity_id": "2000001", "role": "officer"}]
        else:
            assert [grant["entity_id"] for grant in claims["partner_grants"]] == ["2000001"]
            assert claims["roles"] == ["partner"]


def issued_letter_code(client, people, database):
    issued = client.post(
        "/api/accounts/admin/access-codes", json={"entity_ids": ["1400001"]}, headers=people["staff"]["headers"]
    )
    assert issued.status_code == 201
    with database.session() as session:
        letter = session.scalar(select(outbox.c.envelope).where(outbox.c.event_type == "entity_access_code_issued"))
    return letter["payload"]["access_code"]


def test_too_many_wrong_codes_answer_429_with_retry_after_even_for_the_right_code(client, people, database):
    code = issued_letter_code(client, people, database)
    headers = {**people["asker"]["headers"], "X-Forwarded-For": "198.51.100.9"}
    wrong = {"entity_id": "1400001", "role": "officer", "access_code": "AAAA-AAAA-AAAA-AAAA"}
    for _ in range(CLAIMS_PER_ENTITY.limit):
        refused = client.post("/api/accounts/links", json=wrong, headers=headers)
        assert refused.status_code == 409 and refused.json["errors"][0]["field"] == "access_code"
    locked = client.post("/api/accounts/links", json={**wrong, "access_code": code}, headers=headers)
    assert locked.status_code == 429
    assert locked.headers["Content-Type"] == "application/problem+json"
    assert 0 < int(locked.headers["Retry-After"]) <= CLAIMS_PER_ENTITY.window.total_seconds()
    assert locked.json["errors"][0]["field"] == "access_code"
    assert "try again" in locked.json["detail"]
    assert client.get("/api/accounts/links", headers=people["asker"]["headers"]).json["items"] == []
    with database.session() as session:
        failures = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "entity_claim", AuditEntry.outcome == "failure")
        ).all()
    assert [(entry.actor_id, entry.target, entry.client) for entry in failures] == [
        (people["asker"]["id"], "entity:1400001", "198.51.100.9")
    ] * CLAIMS_PER_ENTITY.limit


def test_a_revoked_partner_grant_leaves_the_token_at_the_next_refresh(client, people, database):
    today = datetime.now(UTC).date()
    with database.session() as session:
        staff = handlers.Caller(people["staff"]["id"])
        grant = handlers.grant_partner_access(
            session, staff, people["partner"]["id"], "2000001", today, today + timedelta(days=30)
        )
    signed_in = client.post("/api/accounts/sessions", json={"username": "auditor1", "password": PASSWORD}).json
    claims = jwt.decode(signed_in["access_token"], options={"verify_signature": False})
    assert [item["entity_id"] for item in claims["partner_grants"]] == ["2000001"]
    revoked = client.post(f"/api/accounts/admin/partner-grants/{grant.id}/revoke", headers=people["staff"]["headers"])
    assert revoked.status_code == 200
    refreshed = client.post("/api/accounts/sessions/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert refreshed.status_code == 200
    assert jwt.decode(refreshed.json["access_token"], options={"verify_signature": False})["partner_grants"] == []
