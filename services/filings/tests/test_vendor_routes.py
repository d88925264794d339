import uuid
from datetime import UTC, datetime

import pytest

from cars_shared.events import make_event
from cars_shared.web.auth import sign_access_token
from filings.domain import certification
from filings.domain.webhooks import FAILED
from filings.gateway import create_app
from filings.models import Submission
from filings.vendors import handlers
from filings.vendors.models import WebhookDelivery
from filings.vendors.routes import ALLOW_LOCAL_WEBHOOKS

VENDOR = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"
OTHER_VENDOR = "1b2c3d4e-0000-4000-8000-000000000002"
HOOK_URL = "https://hooks.acme-filing.example/cars"
NOW = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def vendor_headers(token_mint, vendor_id=VENDOR, scope="sandbox"):
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id=f"vendor:{vendor_id}",
        username="Acme Filing Software",
        roles=("vendor",),
        ttl_seconds=300,
        extra_claims={"vendor_id": vendor_id, "scope": scope, "authorised_entities": [], "entities": []},
    )
    return {"Authorization": f"Bearer {token}"}


def staff_headers(token_mint, mfa=True):
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id="user-clerk",
        username="clerk",
        roles=("staff",),
        ttl_seconds=300,
        extra_claims={"mfa": mfa, "email_verified": True},
    )
    return {"Authorization": f"Bearer {token}"}


def set_webhook(client, token_mint, url=HOOK_URL, vendor_id=VENDOR, **body):
    return client.put(
        "/api/filings/v1/webhook", json={"url": url, **body}, headers=vendor_headers(token_mint, vendor_id)
    )


def failing_fields(response):
    return {error["field"] for error in response.json.get("errors", [])}


def delivery_for(database, vendor_id=VENDOR, status=FAILED):
    """A decided submission of the vendor and its webhook delivery, in the given state."""
    submission_id = str(uuid.uuid4())
    with database.session() as session:
        session.add(
            Submission(
                submission_id=submission_id,
                space="sandbox",
                submitted_by=f"vendor:{vendor_id}",
                vendor_id=vendor_id,
                request_sha256="0" * 64,
                status="rejected",
                form="F460",
                errors=[{"level": "error", "path": "form", "message": "Unknown form."}],
                warnings=[],
                received_at=NOW,
                decided_at=NOW,
                body=b"{}",
            )
        )
    payload = {
        "submission_id": submission_id,
        "space": "sandbox",
        "status": "rejected",
        "vendor_id": vendor_id,
        "form": "F460",
        "filing_id": None,
        "amendment": None,
    }
    with database.session() as session:
        handlers.queue_submission_webhook(session, make_event("filings", "submission_decided", payload), now=NOW)
    with database.session() as session:
        delivery = session.query(WebhookDelivery).filter_by(submission_id=submission_id).one()
        delivery.status = status
        delivery.attempts = 12
        delivery.next_attempt_at = None
        delivery.last_error = "The server answered 500."
        return delivery.delivery_id


# The webhook endpoint


def test_setting_a_webhook_answers_the_signing_secret_once(client, token_mint):
    created = set_webhook(client, token_mint)
    assert created.status_code == 200
    assert created.json["url"] == HOOK_URL
    assert created.json["signing_secret"].startswith("whsec_")
    assert created.json["signature_header"] == "Cars-Signature"
    assert created.headers["Cache-Control"] == "no-store"

    shown = client.get("/api/filings/v1/webhook", headers=vendor_headers(token_mint))
    changed = set_webhook(client, token_mint, url="https://hooks.acme-filing.example/v2")
    assert shown.status_code == 200
    assert "signing_secret" not in shown.json
    assert created.json["signing_secret"] not in shown.get_data(as_text=True)
    assert (changed.json["url"], changed.json["signing_secret"]) == ("https://hooks.acme-filing.example/v2", None)


def test_rotating_answers_a_new_secret(client, token_mint):
    first = set_webhook(client, token_mint).json["signing_secret"]
    rotated = set_webhook(client, token_mint, rotate_secret=True).json["signing_secret"]
    assert rotated.startswith("whsec_")
    assert rotated != first


def test_a_vendor_without_a_webhook_is_told_how_to_set_one(client, token_mint):
    response = client.get("/api/filings/v1/webhook", headers=vendor_headers(token_mint))
    assert response.status_code == 404
    assert "PUT /api/filings/v1/webhook" in response.json["detail"]


@pytest.mark.parametrize(
    "url", ["http://hooks.acme-filing.example/cars", "https://10.1.2.3/cars", "https://localhost/cars", "not a url"]
)
def test_a_webhook_url_that_is_not_public_https_is_refused_naming_the_url(client, token_mint, url):
    response = set_webhook(client, token_mint, url=url)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert failing_fields(response) == {"url"}


def test_a_missing_url_is_refused_naming_it(client, token_mint):
    response = client.put("/api/filings/v1/webhook", json={}, headers=vendor_headers(token_mint))
    assert response.status_code == 422
    assert failing_fields(response) == {"url"}


def test_a_gateway_set_up_for_local_runs_takes_a_plain_http_loopback_url(database, token_mint):
    local = create_app(database=database, verifier=token_mint.verifier, config={ALLOW_LOCAL_WEBHOOKS: True})
    response = set_webhook(local.test_client(), token_mint, url="http://127.0.0.1:9000/hooks")
    assert response.status_code == 200


# Who may use the vendor routes


VENDOR_ROUTES = [
    ("put", "/api/filings/v1/webhook"),
    ("get", "/api/filings/v1/webhook"),
    ("get", "/api/filings/v1/webhook/deliveries"),
    ("post", "/api/filings/v1/webhook/deliveries/00000000-0000-4000-8000-000000000001/redeliver"),
    ("get", "/api/filings/v1/certification"),
]


@pytest.mark.parametrize(("method", "path"), VENDOR_ROUTES)
def test_vendor_routes_need_a_token(client, method, path):
    response = getattr(client, method)(path, json={"url": HOOK_URL})
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), VENDOR_ROUTES)
def test_vendor_routes_refuse_people_and_staff_before_reading_the_body(client, token_mint, method, path):
    for headers in (token_mint.headers(user_id="user-treasurer"), staff_headers(token_mint)):
        response = getattr(client, method)(path, json={}, headers=headers)
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"


def test_a_token_claiming_a_vendor_id_without_the_vendor_role_is_refused(client, token_mint):
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id="user-treasurer",
        username="treasurer",
        roles=("filer",),
        ttl_seconds=300,
        extra_claims={"vendor_id": VENDOR},
    )
    response = client.get("/api/filings/v1/certification", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


# Deliveries


def test_a_vendor_lists_only_its_own_deliveries(client, database, token_mint):
    set_webhook(client, token_mint)
    set_webhook(client, token_mint, vendor_id=OTHER_VENDOR)
    own = delivery_for(database)
    delivery_for(database, vendor_id=OTHER_VENDOR)

    response = client.get("/api/filings/v1/webhook/deliveries", headers=vendor_headers(token_mint))

    assert response.status_code == 200
    assert [d["delivery_id"] for d in response.json["deliveries"]] == [own]
    listed = response.json["deliveries"][0]
    assert (listed["status"], listed["attempts"], listed["last_error"], listed["url"]) == (
        "failed",
        12,
        "The server answered 500.",
        HOOK_URL,
    )
    assert listed["payload"]["submission"]["status"] == "rejected"


def test_deliveries_page_from_newest_to_oldest(client, database, token_mint):
    set_webhook(client, token_mint)
    made = [delivery_for(database) for _ in range(3)]
    headers = vendor_headers(token_mint)

    first = client.get("/api/filings/v1/webhook/deliveries?limit=2", headers=headers).json
    rest = client.get(f"/api/filings/v1/webhook/deliveries?limit=2&before={first['next_before']}", headers=headers)

    listed = [d["delivery_id"] for d in first["deliveries"]] + [d["delivery_id"] for d in rest.json["deliveries"]]
    assert sorted(listed) == sorted(made)
    assert len(set(listed)) == 3
    assert rest.json["next_before"] is None


def test_deliveries_filter_by_status_and_refuse_an_unknown_one(client, database, token_mint):
    set_webhook(client, token_mint)
    delivery_for(database, status=FAILED)
    headers = vendor_headers(token_mint)
    assert client.get("/api/filings/v1/webhook/deliveries?status=delivered", headers=headers).json["deliveries"] == []
    refused = client.get("/api/filings/v1/webhook/deliveries?status=lost", headers=headers)
    assert refused.status_code == 422
    assert failing_fields(refused) == {"status"}


def test_a_failed_delivery_is_redelivered_on_request(client, database, token_mint):
    set_webhook(client, token_mint)
    delivery_id = delivery_for(database)

    response = client.post(
        f"/api/filings/v1/webhook/deliveries/{delivery_id}/redeliver", headers=vendor_headers(token_mint)
    )

    assert response.status_code == 202
    assert (response.json["delivery_id"], response.json["status"], response.json["attempts"]) == (
        delivery_id,
        "pending",
        0,
    )
    again = client.post(
        f"/api/filings/v1/webhook/deliveries/{delivery_id}/redeliver", headers=vendor_headers(token_mint)
    )
    assert again.status_code == 409


def test_another_vendors_delivery_cannot_be_redelivered_or_seen(client, database, token_mint):
    set_webhook(client, token_mint)
    set_webhook(client, token_mint, vendor_id=OTHER_VENDOR)
    theirs = delivery_for(database, vendor_id=OTHER_VENDOR)

    redelivered = client.post(
        f"/api/filings/v1/webhook/deliveries/{theirs}/redeliver", headers=vendor_headers(token_mint)
    )
    paged = client.get(f"/api/filings/v1/webhook/deliveries?before={theirs}", headers=vendor_headers(token_mint))

    assert (redelivered.status_code, paged.status_code) == (404, 404)
    with database.session() as session:
        assert session.get(WebhookDelivery, theirs).status == FAILED


# Certification


def decide(database, vendor_id, form, status="accepted"):
    submission_id = str(uuid.uuid4())
    filing_id = str(uuid.uuid4()) if status == "accepted" else None
    with database.session() as session:
        session.add(
            Submission(
                submission_id=submission_id,
                space="sandbox",
                submitted_by=f"vendor:{vendor_id}",
                vendor_id=vendor_id,
                request_sha256="0" * 64,
                status=status,
                form=form,
                filing_id=filing_id,
                amendment=0 if filing_id else None,
                errors=[] if filing_id else [{"level": "error", "path": "form", "message": "Wrong."}],
                warnings=[],
                received_at=NOW,
                decided_at=NOW,
                body=b"{}",
            )
        )
    payload = {
        "submission_id": submission_id,
        "space": "sandbox",
        "status": status,
        "vendor_id": vendor_id,
        "form": form,
        "filing_id": filing_id,
        "amendment": 0 if filing_id else None,
    }
    with database.session() as session:
        handlers.judge_sandbox_submission(session, make_event("filings", "submission_decided", payload), now=NOW)
    return submission_id


def test_the_scenarios_are_public(client):
    response = client.get("/api/filings/v1/certification/scenarios")
    assert response.status_code == 200
    assert [s["code"] for s in response.json["scenarios"]] == list(certification.SCENARIO_CODES)
    rejected = next(s for s in response.json["scenarios"] if s["code"] == "rejected_460")
    assert rejected["outcome"] == "rejected"
    assert rejected["expected_problems"] == list(certification.REJECTED_460.expected_problems)
    assert 'example "F460"' in rejected["instructions"]


def test_a_vendor_sees_its_own_standing_on_every_scenario(client, database, token_mint):
    passed = decide(database, VENDOR, "F497")
    decide(database, VENDOR, "F615", status="rejected")
    decide(database, OTHER_VENDOR, "F410")

    response = client.get("/api/filings/v1/certification", headers=vendor_headers(token_mint))

    assert response.status_code == 200
    assert (response.json["vendor_id"], response.json["all_passed"]) == (VENDOR, False)
    by_code = {s["code"]: s for s in response.json["scenarios"]}
    assert (by_code["report_497"]["status"], by_code["report_497"]["passed_submission_id"]) == ("passed", passed)
    assert by_code["report_615"]["status"] == "failing"
    assert by_code["report_615"]["last_failure"] == "It was rejected with 1 error."
    assert by_code["registration_410"]["status"] == "not_attempted"


def test_staff_see_any_vendors_certification(client, database, token_mint):
    decide(database, OTHER_VENDOR, "F410")
    response = client.get(f"/api/filings/v1/vendors/{OTHER_VENDOR}/certification", headers=staff_headers(token_mint))
    assert response.status_code == 200
    assert response.json["vendor_id"] == OTHER_VENDOR
    assert {s["code"]: s["status"] for s in response.json["scenarios"]}["registration_410"] == "passed"


@pytest.mark.parametrize(
    "who", ["own vendor", "other vendor", "filer", "staff without MFA"], ids=lambda who: who.replace(" ", "_")
)
def test_only_staff_signed_in_with_mfa_see_a_vendor_by_id(client, token_mint, who):
    headers = {
        "own vendor": vendor_headers(token_mint, VENDOR),
        "other vendor": vendor_headers(token_mint, OTHER_VENDOR),
        "filer": token_mint.headers(user_id="user-treasurer"),
        "staff without MFA": staff_headers(token_mint, mfa=False),
    }[who]
    response = client.get(f"/api/filings/v1/vendors/{VENDOR}/certification", headers=headers)
    assert response.status_code == 403


def test_the_openapi_document_describes_the_vendor_routes(client):
    paths = client.get("/api/filings/openapi.json").json["paths"]
    for path in (
        "/api/filings/v1/webhook",
        "/api/filings/v1/webhook/deliveries",
        "/api/filings/v1/webhook/deliveries/{delivery_id}/redeliver",
        "/api/filings/v1/certification",
        "/api/filings/v1/certification/scenarios",
        "/api/filings/v1/vendors/{vendor_id}/certification",
    ):
        assert path in paths
