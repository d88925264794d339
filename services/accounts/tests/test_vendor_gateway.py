from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from accounts.audit.log import chain_entry
from accounts.audit.models import AuditChainHead, AuditEntry
from accounts.domain.audit_chain import verify_chain
from accounts.domain.vendor_credentials import MAX_FAILURES
from accounts.gateway import create_app
from accounts.signing_key import SigningKey
from accounts.vendors import handlers as vendor_handlers
from accounts.vendors.exceptions import VendorNotFound
from accounts.vendors.models import Vendor, VendorCredential, VendorManager
from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import outbox
from cars_shared.web.auth import TokenVerifier, sign_access_token

ENTITY = "1400001"
OTHER_ENTITY = "1400002"


@pytest.fixture
def accounts_key():
    return SigningKey.generate()


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


@pytest.fixture
def client(database, token_mint, accounts_key):
    verifier = TokenVerifier(
        keys={token_mint.kid: token_mint.private_key.public_key(), accounts_key.kid: accounts_key.public_key}
    )
    app = create_app(database=database, signing_key=accounts_key, verifier=verifier)
    return app.test_client()


@pytest.fixture
def person(token_mint):
    """Headers of a person's token with the given roles and entity links."""

    def headers(user_id="maker-1", roles=("filer",), officer_of=(), agent_of=()):
        entities = [{"entity_id": e, "role": "officer"} for e in officer_of]
        entities += [{"entity_id": e, "role": "agent"} for e in agent_of]
        token = sign_access_token(
            token_mint.private_key,
            token_mint.kid,
            user_id=user_id,
            username=user_id,
            roles=roles,
            ttl_seconds=300,
            extra_claims={"entities": entities},
        )
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def staff(person):
    return person(user_id="staff-1", roles=("staff",))


def register(client, headers, name="Acme Filing Software"):
    response = client.post(
        "/api/accounts/vendors", json={"name": name, "contact_email": "dev@acme.example"}, headers=headers
    )
    assert response.status_code == 201, response.json
    return response.json


def exchange(client, key_id, secret, scope="sandbox"):
    return client.post("/api/accounts/vendor-tokens", json={"key_id": key_id, "secret": secret, "scope": scope})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def pass_scenarios(database, vendor_id, passed_at=None, scenarios=("original_460", "amended_460")):
    """Filings' report that the vendor's sandbox submissions passed, handled as the worker handles it."""
    passed_at = passed_at or datetime.now(UTC)
    event = read_event(
        make_event(
            "filings",
            "vendor_scenarios_passed",
            {"vendor_id": vendor_id, "passed_at": passed_at, "scenarios": list(scenarios)},
        )
    )
    with database.session() as session:
        vendor_handlers.record_scenarios_passed(session, event)


def certify(client, staff, vendor_id, certified=True, reason=None):
    body = {"certified": certified} if reason is None else {"certified": certified, "reason": reason}
    return client.put(f"/api/accounts/vendors/{vendor_id}/certification", json=body, headers=staff)


def events_of(database, event_type):
    with database.session() as session:
        rows = session.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type)).scalars().all()
    return [row["payload"] for row in rows]


def field_names(response):
    return {error["field"] for error in response.json.get("errors", [])}


def test_registering_a_vendor_answers_sandbox_credentials_once_and_stores_only_a_hash(client, database, person):
    maker = person()
    body = register(client, maker)
    vendor, credential = body["vendor"], body["credential"]
    assert vendor["certified"] is False
    assert vendor["scopes"] == ["sandbox"]
    assert credential["key_id"].startswith("vk_")
    with database.session() as session:
        stored = session.scalar(select(VendorCredential).where(VendorCredential.key_id == credential["key_id"]))
        assert credential["secret"] not in (stored.secret_hash, stored.secret_salt)
    listed = client.get(f"/api/accounts/vendors/{vendor['vendor_id']}/credentials", headers=maker).json
    assert [item["key_id"] for item in listed["credentials"]] == [credential["key_id"]]
    assert "secret" not in listed["credentials"][0]


def test_only_the_vendors_managers_and_staff_see_it(client, person, staff):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    assert client.get(f"/api/accounts/vendors/{vendor_id}", headers=person()).status_code == 200
    assert client.get(f"/api/accounts/vendors/{vendor_id}", headers=staff).status_code == 200
    stranger = client.get(f"/api/accounts/vendors/{vendor_id}", headers=person(user_id="stranger"))
    assert stranger.status_code == 403
    assert [v["vendor_id"] for v in client.get("/api/accounts/vendors", headers=person()).json["vendors"]] == [
        vendor_id
    ]
    assert client.get("/api/accounts/vendors", headers=person(user_id="stranger")).json["vendors"] == []


def test_a_sandbox_token_names_the_vendor_its_scope_and_carries_the_vendor_role(client, person, accounts_key):
    body = register(client, person())
    response = exchange(client, body["credential"]["key_id"], body["credential"]["secret"])
    assert response.status_code == 200
    assert response.json["scope"] == "sandbox"
    assert 0 < response.json["expires_in"] <= 300
    principal = accounts_key.verifier().verify(response.json["access_token"])
    assert principal.roles == ("vendor",)
    assert principal.claims["vendor_id"] == body["vendor"]["vendor_id"]
    assert principal.claims["scope"] == "sandbox"
    assert principal.claims["authorised_entities"] == []
    assert principal.claims["exp"] - principal.claims["iat"] <= 300


def test_a_wrong_secret_and_an_unknown_key_id_get_the_same_401(client, person):
    key_id = register(client, person())["credential"]["key_id"]
    wrong_secret = exchange(client, key_id, "vs_not-the-secret")
    unknown_key = exchange(client, "vk_" + "0" * 20, "vs_not-the-secret")
    assert wrong_secret.status_code == unknown_key.status_code == 401
    assert wrong_secret.json["detail"] == unknown_key.json["detail"]
    assert field_names(wrong_secret) == field_names(unknown_key) == {"secret"}


def test_production_scope_is_refused_until_staff_certify_the_vendor(client, database, person, staff, accounts_key):
    body = register(client, person())
    key_id, secret, vendor_id = body["credential"]["key_id"], body["credential"]["secret"], body["vendor"]["vendor_id"]
    refused = exchange(client, key_id, secret, "production")
    assert refused.status_code == 403
    assert field_names(refused) == {"scope"}
    pass_scenarios(database, vendor_id)
    certified = certify(client, staff, vendor_id)
    assert certified.status_code == 200
    assert certified.json["scopes"] == ["sandbox", "production"]
    granted = exchange(client, key_id, secret, "production")
    assert granted.status_code == 200
    assert accounts_key.verifier().verify(granted.json["access_token"]).claims["scope"] == "production"


def test_decertifying_stops_existing_credentials_for_production_at_once(client, database, person, staff):
    body = register(client, person())
    key_id, secret, vendor_id = body["credential"]["key_id"], body["credential"]["secret"], body["vendor"]["vendor_id"]
    pass_scenarios(database, vendor_id)
    certify(client, staff, vendor_id)
    assert exchange(client, key_id, secret, "production").status_code == 200
    response = certify(client, staff, vendor_id, certified=False, reason="Failed re-certification.")
    assert response.status_code == 200
    assert response.json["scopes"] == ["sandbox"]
    assert exchange(client, key_id, secret, "production").status_code == 403
    assert exchange(client, key_id, secret, "sandbox").status_code == 200
    [certified_event] = events_of(database, "vendor_certified")
    assert {key: certified_event[key] for key in ("vendor_id", "name", "certified_by")} == {
        "vendor_id": vendor_id,
        "name": "Acme Filing Software",
        "certified_by": "staff-1",
    }
    [decertified_event] = events_of(database, "vendor_decertified")
    assert {key: decertified_event[key] for key in ("vendor_id", "decertified_by", "reason", "name")} == {
        "vendor_id": vendor_id,
        "decertified_by": "staff-1",
        "reason": "Failed re-certification.",
        "name": "Acme Filing Software",
    }


def test_certification_names_the_vendors_managers_and_the_scenarios_it_passed(client, database, person, staff):
    maker = person()
    vendor_id = register(client, maker)["vendor"]["vendor_id"]
    passed_at = datetime(2026, 5, 4, 16, 30, tzinfo=UTC)
    # The standing pass is the later one, though an older report arrived after it.
    pass_scenarios(database, vendor_id, passed_at, scenarios=["original_460", "amended_460", "report_497"])
    pass_scenarios(database, vendor_id, datetime(2026, 4, 1, tzinfo=UTC))
    with database.session() as session:
        managers = session.scalars(select(VendorManager.user_id).where(VendorManager.vendor_id == vendor_id)).all()
    assert certify(client, staff, vendor_id).status_code == 200
    [event] = events_of(database, "vendor_certified")
    assert event["manager_ids"] == list(managers) and len(managers) == 1
    assert datetime.fromisoformat(event["scenarios_passed_at"]) == passed_at
    assert event["scenarios"] == ["original_460", "amended_460", "report_497"]
    assert datetime.fromisoformat(event["certified_at"]) > passed_at
    certify(client, staff, vendor_id, certified=False, reason="Failed re-certification.")
    [withdrawn] = events_of(database, "vendor_decertified")
    assert withdrawn["manager_ids"] == list(managers)
    assert datetime.fromisoformat(withdrawn["decertified_at"]) >= datetime.fromisoformat(event["certified_at"])


def test_decertifying_without_a_reason_is_a_422_naming_reason(client, database, person, staff):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    pass_scenarios(database, vendor_id)
    certify(client, staff, vendor_id)
    response = certify(client, staff, vendor_id, certified=False)
    assert response.status_code == 422
    assert field_names(response) == {"reason"}


def test_only_staff_may_certify(client, person):
    maker = person()
    vendor_id = register(client, maker)["vendor"]["vendor_id"]
    response = certify(client, maker, vendor_id)
    assert response.status_code == 403
    assert client.get(f"/api/accounts/vendors/{vendor_id}", headers=maker).json["certified"] is False


def test_every_certification_and_decertification_is_in_the_audit_log(client, database, person, staff):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    pass_scenarios(database, vendor_id)
    certify(client, staff, vendor_id)
    certify(client, staff, vendor_id, certified=False, reason="Failed re-certification.")
    with database.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.target == f"vendor:{vendor_id}").order_by(AuditEntry.sequence)
        ).all()
        assert [(e.actor_id, e.action, e.outcome) for e in entries] == [
            (None, "vendor.scenarios_passed", "success"),
            ("staff-1", "vendor.certify", "success"),
            ("staff-1", "vendor.decertify", "success"),
        ]
        assert entries[2].detail["reason"] == "Failed re-certification."
        chain = [chain_entry(e) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))]
        assert verify_chain(chain, session.get(AuditChainHead, 1).last_hash).intact


def test_rotation_keeps_the_old_secret_for_the_overlap_only(client, database, person):
    maker = person()
    body = register(client, maker)
    vendor_id, key_id, old_secret = (
        body["vendor"]["vendor_id"],
        body["credential"]["key_id"],
        body["credential"]["secret"],
    )
    rotated = client.post(f"/api/accounts/vendors/{vendor_id}/credentials/{key_id}/rotation", json={}, headers=maker)
    assert rotated.status_code == 200
    assert rotated.json["key_id"] == key_id
    assert rotated.json["secret"] != old_secret
    assert rotated.json["previous_secret_valid_until"] is not None
    assert exchange(client, key_id, rotated.json["secret"]).status_code == 200
    assert exchange(client, key_id, old_secret).status_code == 200
    with database.session() as session:
        session.execute(
            update(VendorCredential)
            .where(VendorCredential.key_id == key_id)
            .values(previous_secret_valid_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert exchange(client, key_id, old_secret).status_code == 401


def test_an_immediate_rotation_stops_the_old_secret_at_once(client, person):
    maker = person()
    body = register(client, maker)
    vendor_id, key_id, old_secret = (
        body["vendor"]["vendor_id"],
        body["credential"]["key_id"],
        body["credential"]["secret"],
    )
    url = f"/api/accounts/vendors/{vendor_id}/credentials/{key_id}/rotation"
    rotated = client.post(url, json={"immediately": True}, headers=maker)
    assert exchange(client, key_id, old_secret).status_code == 401
    assert exchange(client, key_id, rotated.json["secret"]).status_code == 200


def test_a_revoked_key_no_longer_gets_tokens(client, person):
    maker = person()
    body = register(client, maker)
    vendor_id, key_id = body["vendor"]["vendor_id"], body["credential"]["key_id"]
    assert client.delete(f"/api/accounts/vendors/{vendor_id}/credentials/{key_id}", headers=maker).status_code == 204
    assert exchange(client, key_id, body["credential"]["secret"]).status_code == 401
    listed = client.get(f"/api/accounts/vendors/{vendor_id}/credentials", headers=maker).json["credentials"]
    assert listed[0]["status"] == "revoked"
    rotate = client.post(f"/api/accounts/vendors/{vendor_id}/credentials/{key_id}/rotation", json={}, headers=maker)
    assert rotate.status_code == 404


def test_only_a_manager_may_issue_rotate_or_revoke_keys(client, person):
    body = register(client, person())
    vendor_id, key_id = body["vendor"]["vendor_id"], body["credential"]["key_id"]
    stranger = person(user_id="stranger")
    assert client.post(f"/api/accounts/vendors/{vendor_id}/credentials", headers=stranger).status_code == 403
    rotation = f"/api/accounts/vendors/{vendor_id}/credentials/{key_id}/rotation"
    assert client.post(rotation, json={}, headers=stranger).status_code == 403
    revocation = f"/api/accounts/vendors/{vendor_id}/credentials/{key_id}"
    assert client.delete(revocation, headers=stranger).status_code == 403


def test_a_manager_gets_more_keys_each_with_its_own_secret(client, person):
    maker = person()
    body = register(client, maker)
    vendor_id = body["vendor"]["vendor_id"]
    second = client.post(f"/api/accounts/vendors/{vendor_id}/credentials", headers=maker)
    assert second.status_code == 201
    assert second.json["key_id"] != body["credential"]["key_id"]
    assert exchange(client, second.json["key_id"], second.json["secret"]).status_code == 200
    assert exchange(client, second.json["key_id"], body["credential"]["secret"]).status_code == 401


def test_repeated_wrong_secrets_lock_the_key_id_even_for_the_right_secret(client, person):
    body = register(client, person())
    key_id, secret = body["credential"]["key_id"], body["credential"]["secret"]
    for _ in range(MAX_FAILURES):
        assert exchange(client, key_id, "vs_guess").status_code == 401
    locked = exchange(client, key_id, secret)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert field_names(locked) == {"key_id"}


def test_a_success_clears_earlier_failures(client, person):
    body = register(client, person())
    key_id, secret = body["credential"]["key_id"], body["credential"]["secret"]
    for _ in range(MAX_FAILURES - 1):
        exchange(client, key_id, "vs_guess")
    assert exchange(client, key_id, secret).status_code == 200
    assert exchange(client, key_id, "vs_guess").status_code == 401
    assert exchange(client, key_id, secret).status_code == 200


def test_an_officer_authorises_a_vendor_and_both_sides_list_it(client, database, person, staff, accounts_key):
    maker = person()
    body = register(client, maker)
    vendor_id = body["vendor"]["vendor_id"]
    officer = person(user_id="officer-1", officer_of=[ENTITY])
    response = client.post(
        f"/api/accounts/entities/{ENTITY}/vendor-authorisations", json={"vendor_id": vendor_id}, headers=officer
    )
    assert response.status_code == 201
    assert (response.json["entity_id"], response.json["status"], response.json["authorised_by"]) == (
        ENTITY,
        "active",
        "officer-1",
    )
    by_entity = client.get(f"/api/accounts/entities/{ENTITY}/vendor-authorisations", headers=officer).json
    assert [(a["vendor_id"], a["vendor_name"]) for a in by_entity["authorisations"]] == [
        (vendor_id, "Acme Filing Software")
    ]
    by_vendor = client.get(f"/api/accounts/vendors/{vendor_id}/authorisations", headers=maker).json
    assert [a["entity_id"] for a in by_vendor["authorisations"]] == [ENTITY]
    assert events_of(database, "vendor_authorised") == [
        {"vendor_id": vendor_id, "entity_id": ENTITY, "authorised_by": "officer-1"}
    ]
    token = exchange(client, body["credential"]["key_id"], body["credential"]["secret"]).json["access_token"]
    claims = accounts_key.verifier().verify(token).claims
    assert claims["authorised_entities"] == [ENTITY]
    assert claims["entities"] == []


def test_a_production_token_lets_the_vendor_act_as_agent_of_the_entities_that_authorised_it(
    client, database, person, staff, accounts_key
):
    body = register(client, person())
    vendor_id = body["vendor"]["vendor_id"]
    pass_scenarios(database, vendor_id)
    certify(client, staff, vendor_id)
    client.post(
        f"/api/accounts/entities/{ENTITY}/vendor-authorisations",
        json={"vendor_id": vendor_id},
        headers=person(user_id="officer-1", officer_of=[ENTITY]),
    )
    token = exchange(client, body["credential"]["key_id"], body["credential"]["secret"], "production").json
    claims = accounts_key.verifier().verify(token["access_token"]).claims
    assert claims["entities"] == [{"entity_id": ENTITY, "role": "agent"}]


def test_only_an_officer_of_the_entity_may_authorise_or_list_its_vendors(client, person):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    url = f"/api/accounts/entities/{ENTITY}/vendor-authorisations"
    for caller in (
        person(user_id="agent-1", agent_of=[ENTITY]),
        person(user_id="officer-2", officer_of=[OTHER_ENTITY]),
    ):
        refused = client.post(url, json={"vendor_id": vendor_id}, headers=caller)
        assert refused.status_code == 403
        assert field_names(refused) == {"entity_id"}
        assert client.get(url, headers=caller).status_code == 403
    assert client.post(url, json={"vendor_id": vendor_id}).status_code == 401


def test_authorising_an_unknown_vendor_is_a_404_and_twice_is_a_409(client, person):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    officer = person(user_id="officer-1", officer_of=[ENTITY])
    url = f"/api/accounts/entities/{ENTITY}/vendor-authorisations"
    unknown = client.post(url, json={"vendor_id": "00000000-0000-4000-8000-000000000000"}, headers=officer)
    assert unknown.status_code == 404
    assert field_names(unknown) == {"vendor_id"}
    assert client.post(url, json={"vendor_id": vendor_id}, headers=officer).status_code == 201
    again = client.post(url, json={"vendor_id": vendor_id}, headers=officer)
    assert again.status_code == 409


def test_the_officer_revokes_an_authorisation_and_may_grant_it_again(client, database, person):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    officer = person(user_id="officer-1", officer_of=[ENTITY])
    url = f"/api/accounts/entities/{ENTITY}/vendor-authorisations"
    client.post(url, json={"vendor_id": vendor_id}, headers=officer)
    assert client.delete(f"{url}/{vendor_id}", headers=officer).status_code == 204
    listed = client.get(url, headers=officer).json["authorisations"]
    assert (listed[0]["status"], listed[0]["revoked_by"]) == ("revoked", "officer-1")
    assert client.delete(f"{url}/{vendor_id}", headers=officer).status_code == 404
    assert events_of(database, "vendor_authorisation_revoked") == [
        {"vendor_id": vendor_id, "entity_id": ENTITY, "revoked_by": "officer-1"}
    ]
    assert client.post(url, json={"vendor_id": vendor_id}, headers=officer).status_code == 201


def test_the_vendor_revokes_an_authorisation_with_its_own_token(client, person, accounts_key):
    body = register(client, person())
    vendor_id = body["vendor"]["vendor_id"]
    client.post(
        f"/api/accounts/entities/{ENTITY}/vendor-authorisations",
        json={"vendor_id": vendor_id},
        headers=person(user_id="officer-1", officer_of=[ENTITY]),
    )
    token = exchange(client, body["credential"]["key_id"], body["credential"]["secret"]).json["access_token"]
    listed = client.get(f"/api/accounts/vendors/{vendor_id}/authorisations", headers=bearer(token))
    assert [a["entity_id"] for a in listed.json["authorisations"]] == [ENTITY]
    revoked = client.delete(f"/api/accounts/vendors/{vendor_id}/authorisations/{ENTITY}", headers=bearer(token))
    assert revoked.status_code == 204
    listed = client.get(f"/api/accounts/vendors/{vendor_id}/authorisations", headers=bearer(token))
    assert listed.json["authorisations"][0]["status"] == "revoked"


def test_a_vendor_token_cannot_manage_keys_or_register_vendors(client, person):
    body = register(client, person())
    vendor_id = body["vendor"]["vendor_id"]
    token = exchange(client, body["credential"]["key_id"], body["credential"]["secret"]).json["access_token"]
    assert client.post(f"/api/accounts/vendors/{vendor_id}/credentials", headers=bearer(token)).status_code == 403
    registration = client.post(
        "/api/accounts/vendors", json={"name": "Other", "contact_email": "x@acme.example"}, headers=bearer(token)
    )
    assert registration.status_code == 403


def test_another_vendors_manager_cannot_revoke_an_authorisation(client, person):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    register(client, person(user_id="rival"), name="Rival Software")
    client.post(
        f"/api/accounts/entities/{ENTITY}/vendor-authorisations",
        json={"vendor_id": vendor_id},
        headers=person(user_id="officer-1", officer_of=[ENTITY]),
    )
    refused = client.delete(
        f"/api/accounts/vendors/{vendor_id}/authorisations/{ENTITY}", headers=person(user_id="rival")
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key_id": "not-a-key", "secret": "x", "scope": "sandbox"}, "key_id"),
        ({"key_id": "vk_" + "0" * 20, "secret": "", "scope": "sandbox"}, "secret"),
        ({"key_id": "vk_" + "0" * 20, "secret": "x", "scope": "everything"}, "scope"),
        ({"key_id": "vk_" + "0" * 20, "secret": "x"}, "scope"),
    ],
)
def test_bad_token_requests_are_422_naming_the_field(client, body, field):
    response = client.post("/api/accounts/vendor-tokens", json=body)
    assert response.status_code == 422
    assert field in field_names(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "contact_email": "dev@acme.example"}, "name"),
        ({"name": "Acme\x00", "contact_email": "dev@acme.example"}, "name"),
        ({"name": "Acme", "contact_email": "not-an-address"}, "contact_email"),
    ],
)
def test_bad_registrations_are_422_naming_the_field(client, person, body, field):
    response = client.post("/api/accounts/vendors", json=body, headers=person())
    assert response.status_code == 422
    assert field in field_names(response)


def test_odd_path_values_are_404_not_errors(client, person):
    maker = person()
    vendor_id = register(client, maker)["vendor"]["vendor_id"]
    assert client.get("/api/accounts/vendors/not-a-uuid", headers=maker).status_code == 404
    odd_key = client.delete(f"/api/accounts/vendors/{vendor_id}/credentials/%00zz", headers=maker)
    assert odd_key.status_code == 404
    odd_entity = client.delete(f"/api/accounts/vendors/{vendor_id}/authorisations/%00zz", headers=maker)
    assert odd_entity.status_code == 404


def test_certifying_before_the_scenarios_passed_is_a_409_saying_so(client, database, person, staff):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    refused = certify(client, staff, vendor_id)
    assert refused.status_code == 409
    assert field_names(refused) == {"certified"}
    assert "scenarios" in refused.json["detail"]
    vendor = client.get(f"/api/accounts/vendors/{vendor_id}", headers=staff).json
    assert (vendor["certified"], vendor["scenarios_passed_at"]) == (False, None)
    assert events_of(database, "vendor_certified") == []


def test_the_vendor_shows_when_its_scenarios_passed_and_may_then_be_certified(client, database, person, staff):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    passed_at = datetime(2026, 5, 4, 16, 30, tzinfo=UTC)
    pass_scenarios(database, vendor_id, passed_at)
    vendor = client.get(f"/api/accounts/vendors/{vendor_id}", headers=staff).json
    assert datetime.fromisoformat(vendor["scenarios_passed_at"]) == passed_at
    assert certify(client, staff, vendor_id).json["certified"] is True


def test_a_later_pass_stands_whatever_order_the_reports_arrive_in(client, database, person, staff):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    later, earlier = datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    pass_scenarios(database, vendor_id, later)
    pass_scenarios(database, vendor_id, earlier)
    vendor = client.get(f"/api/accounts/vendors/{vendor_id}", headers=staff).json
    assert datetime.fromisoformat(vendor["scenarios_passed_at"]) == later
    with database.session() as session:
        reports = session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == f"vendor:{vendor_id}", AuditEntry.actor_id.is_(None))
        ).all()
    assert reports == ["vendor.scenarios_passed"] * 2


def test_a_vendor_certified_before_the_scenario_rule_can_still_be_decertified(client, database, person, staff):
    vendor_id = register(client, person())["vendor"]["vendor_id"]
    with database.session() as session:
        session.execute(update(Vendor).where(Vendor.id == vendor_id).values(certified=True))
    response = certify(client, staff, vendor_id, certified=False, reason="Failed re-certification.")
    assert response.status_code == 200
    assert (response.json["certified"], response.json["scenarios_passed_at"]) == (False, None)


def test_a_report_about_an_unknown_vendor_is_refused_so_the_event_is_parked(database):
    with pytest.raises(VendorNotFound):
        pass_scenarios(database, "00000000-0000-4000-8000-000000000000")
