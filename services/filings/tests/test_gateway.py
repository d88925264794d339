"""The gateway's public entity record, and its OpenAPI document."""

import json

import pytest

from cars_shared.web.auth import sign_access_token
from filings.examples import example
from filings.gateway import create_app
from filings.submissions import handlers as submissions

TREASURER = "user-treasurer"


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def registered(client, token_mint, database, form, **claims):
    """The entity a registration of `form` created (received through the gateway, then checked)."""
    claims = {"email_verified": True, "mfa": True, **claims}
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id=claims.pop("user_id", TREASURER),
        username="someone",
        roles=claims.pop("roles", ("filer",)),
        ttl_seconds=300,
        extra_claims=claims,
    )
    body = example(form)
    body["verification"] = {**body["verification"], "signer_id": TREASURER}
    response = client.post(
        "/api/filings/v1/submissions", data=json.dumps(body), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 202, response.json
    with database.session() as session:
        decided = submissions.check(session, response.json["submission_id"])
        assert decided.status == "accepted", decided.errors
        return decided.entity_id


def test_a_registered_committee_is_public_with_its_address_and_treasurer(client, token_mint, database):
    entity_id = registered(client, token_mint, database, "F410")
    response = client.get(f"/api/filings/v1/entities/{entity_id}")
    assert response.status_code == 200
    assert (response.json["name"], response.json["entity_type"], response.json["status"]) == (
        "Friends of Dana Whitfield for Assembly 2026",
        "recipient_committee",
        "active",
    )
    assert (response.json["treasurer_name"], response.json["city"], response.json["legacy"]) == (
        "Terry Okafor",
        "Sacramento",
        False,
    )


def test_the_public_entity_record_leaves_out_what_the_registration_keeps_private(client, token_mint, database):
    entity_id = registered(client, token_mint, database, "F604")
    shown = client.get(f"/api/filings/v1/entities/{entity_id}").json
    assert shown["entity_type"] == "lobbyist"
    assert "street" not in shown and "email" not in shown


def test_sandbox_entities_are_not_public(client, token_mint, database):
    vendor = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"
    entity_id = registered(
        client,
        token_mint,
        database,
        "F410",
        user_id=f"vendor:{vendor}",
        roles=("vendor",),
        vendor_id=vendor,
        scope="sandbox",
        authorised_entities=[],
    )
    assert entity_id.startswith("S")
    assert client.get(f"/api/filings/v1/entities/{entity_id}").status_code == 404


def test_unknown_or_malformed_entity_ids_are_404_problems(client):
    for entity_id in ("2999999", "not-an-id!", "%00"):
        response = client.get(f"/api/filings/v1/entities/{entity_id}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_the_old_per_form_routes_are_gone(client, token_mint):
    assert client.post("/api/filings/committees", json={}, headers=token_mint.headers()).status_code == 404
    paths = client.get("/api/filings/openapi.json").json["paths"]
    assert not [path for path in paths if "committees" in path]
