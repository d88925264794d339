import csv
import io

import pytest
from sqlalchemy import text

from accounts import handlers as account_handlers
from accounts.audit.log import record
from accounts.gateway import create_app
from accounts.signing_key import SigningKey

PASSWORD = "quiet river stone"


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


@pytest.fixture
def client(database, token_mint):
    app = create_app(database=database, verifier=token_mint.verifier, signing_key=SigningKey.generate())
    return app.test_client()


def account(database, token_mint, name, roles):
    with database.session() as session:
        user = account_handlers.register_user(session, name, f"{name}@example.org", PASSWORD)
        user.roles = list(roles)
    return token_mint.headers(user_id=user.id, username=name, roles=tuple(roles))


@pytest.fixture
def staff(database, token_mint):
    return account(database, token_mint, "clerk1", ("staff",))


@pytest.fixture
def entries(database):
    with database.session() as session:
        for number in range(7):
            record(
                session,
                actor_id="staff-a" if number % 2 else "staff-b",
                action="entity_link_approved" if number < 5 else "partner_access_granted",
                target=f"link:{number}",
                outcome="success",
                client="198.51.100.4",
                detail={"number": number},
            )


def test_only_staff_and_administrators_read_the_audit_log(client, database, token_mint, staff, entries):
    filer = account(database, token_mint, "filer1", ("filer",))
    admin = account(database, token_mint, "root1", ("administrator",))
    for path in ("/api/accounts/audit/entries", "/api/accounts/audit/entries.csv", "/api/accounts/audit/verify"):
        assert client.get(path, headers=filer).status_code == 403
        assert client.get(path).status_code == 401
        assert client.get(path, headers=staff).status_code == 200
        assert client.get(path, headers=admin).status_code == 200


def test_audit_entries_are_filtered_and_paged_by_keyset(client, staff, entries):
    query = {"action": "entity_link_approved", "limit": 2}
    first = client.get("/api/accounts/audit/entries", query_string=query, headers=staff).json
    second = client.get(
        "/api/accounts/audit/entries", query_string={**query, "before": first["next_before"]}, headers=staff
    ).json
    third = client.get(
        "/api/accounts/audit/entries", query_string={**query, "before": second["next_before"]}, headers=staff
    ).json
    targets = [item["target"] for page in (first, second, third) for item in page["items"]]
    assert targets == ["link:4", "link:3", "link:2", "link:1", "link:0"]
    assert third["next_before"] is None
    by_actor = client.get("/api/accounts/audit/entries", query_string={"actor_id": "staff-a"}, headers=staff).json
    assert {item["actor_id"] for item in by_actor["items"]} == {"staff-a"}
    later = client.get(
        "/api/accounts/audit/entries", query_string={"since": "2999-01-01T00:00:00Z"}, headers=staff
    ).json
    assert later["items"] == []


def test_the_audit_log_exports_as_csv(client, staff, entries):
    response = client.get("/api/accounts/audit/entries.csv", query_string={"target": "link:6"}, headers=staff)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(row["action"], row["target"], row["client"]) for row in rows] == [
        ("partner_access_granted", "link:6", "198.51.100.4")
    ]


def test_verify_answers_intact_until_a_row_is_tampered_with(client, database, staff, entries):
    verdict = client.get("/api/accounts/audit/verify", headers=staff).json
    assert verdict["intact"] is True and verdict["entries_checked"] >= 7
    with database.session() as session:
        session.execute(text("SET LOCAL session_replication_role = replica"))
        session.execute(text("UPDATE audit_log SET actor_id = 'someone-else' WHERE target = 'link:3'"))
    verdict = client.get("/api/accounts/audit/verify", headers=staff).json
    assert verdict["intact"] is False
    assert verdict["reason"] == "the content does not match its hash"
