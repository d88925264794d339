"""A vendor's software from its first sandbox key to filing in production, and losing that right.

Over HTTP through the front door: the vendor registers in accounts, passes every certification scenario
with sandbox submissions to filings, filings reports the pass to accounts, staff certify, an entity's
officer authorises the vendor, and the vendor's production token files for that entity. De-certifying
stops production filing at once.
"""

import io
import uuid

import pytest

from accounts.links import admin_cli
from cars_shared.db import Database
from filings.domain.certification import SCENARIO_CODES, rejected_460_document
from filings.examples import example

from .conftest import PASSWORD, user_id_of, wait_until

pytestmark = pytest.mark.e2e


def create_staff(client, system, monkeypatch) -> str:
    """An administrator made at the console creates a staff account; returns staff's access token."""
    admin = f"admin-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    database = Database(system.env["ACCOUNTS_DATABASE_URL"])
    assert admin_cli.main(["create-administrator", admin, f"{admin}@example.org", "--password-stdin"], database) == 0
    admin_token = client.verify_and_sign_in(admin, f"{admin}@example.org")
    staff = f"staff-{uuid.uuid4().hex[:8]}"
    body = {"username": staff, "email": f"{staff}@example.org", "password": PASSWORD, "roles": ["staff"]}
    created = client.request("POST", "/api/accounts/admin/users", admin_token, json=body)
    assert created.status_code == 201, created.text
    return client.verify_and_sign_in(staff, f"{staff}@example.org")


def vendor_token(client, credential, scope):
    body = {"key_id": credential["key_id"], "secret": credential["secret"], "scope": scope}
    response = client.request("POST", "/api/accounts/vendor-tokens", json=body)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def pass_every_scenario(client, sandbox):
    """The sandbox submissions the certification scenarios ask for, each decided as they expect."""
    committee = client.decided(sandbox, client.submit(sandbox, example("F410")))["entity_id"]
    assert committee.startswith("S")
    original = client.decided(sandbox, client.submit(sandbox, {**example("F460"), "entity_id": committee}))
    amends = {"filing_id": original["filing_id"], "amendment": 0}
    client.decided(sandbox, client.submit(sandbox, {**example("F460"), "entity_id": committee, "amends": amends}))
    rejected = client.decided(sandbox, client.submit(sandbox, rejected_460_document(committee)), expect="rejected")
    assert len(rejected["errors"]) == 2
    client.decided(sandbox, client.submit(sandbox, {**example("F497"), "entity_id": committee}))
    lobbyist = client.decided(sandbox, client.submit(sandbox, example("F604")))["entity_id"]
    client.decided(sandbox, client.submit(sandbox, {**example("F615"), "entity_id": lobbyist}))


def test_vendor_goes_from_sandbox_to_certified_production_filing_and_back(running_system_on_postgresql, monkeypatch):
    client, system = running_system_on_postgresql
    _email, officer = client.sign_up_and_in("treasurer")
    entity_id, officer = client.register_committee(officer, "Neighbours for Clean Water 2026")

    registered = client.request(
        "POST", "/api/accounts/vendors", officer, json={"name": "Acme Filing Software", "contact_email": "a@acme.test"}
    )
    assert registered.status_code == 201, registered.text
    vendor_id, credential = registered.json()["vendor"]["vendor_id"], registered.json()["credential"]
    sandbox = vendor_token(client, credential, "sandbox")
    key = {"key_id": credential["key_id"], "secret": credential["secret"]}
    refused = client.request("POST", "/api/accounts/vendor-tokens", json={**key, "scope": "production"})
    assert refused.status_code in (403, 409), refused.text

    staff = create_staff(client, system, monkeypatch)
    early = client.request("PUT", f"/api/accounts/vendors/{vendor_id}/certification", staff, json={"certified": True})
    assert early.status_code == 409, early.text

    pass_every_scenario(client, sandbox)
    standing = client.request("GET", "/api/filings/v1/certification", sandbox).json()
    assert {s["code"]: s["status"] for s in standing["scenarios"]} == dict.fromkeys(SCENARIO_CODES, "passed")
    assert standing["all_passed"] is True
    vendor = f"/api/accounts/vendors/{vendor_id}"
    wait_until(lambda: client.request("GET", vendor, officer).json()["scenarios_passed_at"])

    certified = client.request("PUT", f"{vendor}/certification", staff, json={"certified": True})
    assert certified.status_code == 200, certified.text
    authorised = client.request(
        "POST", f"/api/accounts/entities/{entity_id}/vendor-authorisations", officer, json={"vendor_id": vendor_id}
    )
    assert authorised.status_code == 201, authorised.text

    production = vendor_token(client, credential, "production")
    statement = {**example("F460"), "entity_id": entity_id}
    statement["verification"] = {**statement["verification"], "signer_id": user_id_of(officer)}

    def submitted():
        # Filings learns of the certification from accounts' event; until then it refuses production filing.
        response = client.request("POST", "/api/filings/v1/submissions", production, json=statement)
        return response.json()["submission_id"] if response.status_code == 202 else None

    filing = client.decided(production, wait_until(submitted))
    public = client.request("GET", f"/api/filings/v1/filings/{filing['filing_id']}")
    assert public.status_code == 200, public.text
    assert public.json()["entity_id"] == entity_id

    body = {"certified": False, "reason": "Failed re-certification."}
    withdrawn = client.request("PUT", f"/api/accounts/vendors/{vendor_id}/certification", staff, json=body)
    assert withdrawn.status_code == 200, withdrawn.text

    def refused_now():
        response = client.request("POST", "/api/filings/v1/submissions", production, json=statement)
        return response.status_code if response.status_code in (401, 403) else None

    # The production token is still unexpired: filings refuses it from the de-certification event alone.
    assert wait_until(refused_now) == 403
