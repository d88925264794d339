"""The e-filing API's submission routes, through the gateway."""

import json

import pytest

from cars_shared.web.auth import sign_access_token
from filings.examples import example
from filings.gateway import create_app
from filings.models import Submission
from filings.submissions import handlers as submissions

TREASURER = "user-treasurer"
VENDOR = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"
SUBMISSIONS = "/api/filings/v1/submissions"


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


@pytest.fixture
def bearer(token_mint):
    def headers(user_id=TREASURER, roles=("filer",), **claims):
        if "vendor" not in roles:
            claims = {"email_verified": True, "mfa": True, "entities": [], **claims}
        token = sign_access_token(
            token_mint.private_key,
            token_mint.kid,
            user_id=user_id,
            username=user_id,
            roles=roles,
            ttl_seconds=300,
            extra_claims=claims,
        )
        return {"Authorization": f"Bearer {token}"}

    return headers


def document(form, signer=TREASURER, **changes):
    body = example(form)
    body["verification"] = {**body["verification"], "signer_id": signer}
    return json.dumps({**body, **changes}).encode()


def post(client, headers, body, **extra_headers):
    return client.post(SUBMISSIONS, data=body, headers={**headers, **extra_headers}, content_type="application/json")


def decide(database, submission_id):
    with database.session() as session:
        submissions.check(session, submission_id)


def test_a_submission_is_received_with_202_its_status_resource_and_its_location(client, bearer):
    response = post(client, bearer(), document("F410"))
    assert response.status_code == 202
    assert response.json["status"] == "received"
    assert (response.json["form"], response.json["space"], response.json["errors"]) == ("F410", "production", [])
    assert response.headers["Location"] == f"{SUBMISSIONS}/{response.json['submission_id']}"


def test_the_status_resource_follows_the_submission_to_its_decision(client, bearer, database):
    submission_id = post(client, bearer(), document("F410")).json["submission_id"]
    decide(database, submission_id)
    status = client.get(f"{SUBMISSIONS}/{submission_id}", headers=bearer())
    assert status.status_code == 200
    assert (status.json["status"], status.json["entity_id"], status.json["amendment"]) == ("accepted", "2000000", 0)
    assert status.json["filing_id"] and status.json["decided_at"]


def test_a_rejected_submission_shows_each_problem_with_its_part_line_and_field(client, bearer, database):
    post(client, bearer(), document("F410"))
    registration = client.get(SUBMISSIONS, headers=bearer()).json["items"][0]["submission_id"]
    decide(database, registration)
    body = json.loads(document("F460", entity_id="2000000"))
    body["parts"]["schedule_a"][1]["employer"] = None
    officer = bearer(entities=[{"entity_id": "2000000", "role": "officer"}])
    submission_id = post(client, officer, json.dumps(body).encode()).json["submission_id"]
    decide(database, submission_id)
    status = client.get(f"{SUBMISSIONS}/{submission_id}", headers=officer).json
    assert status["status"] == "rejected"
    assert {"level": "error", "path": "parts.schedule_a.2.employer", "part": "schedule_a", "line": 2} == {
        key: status["errors"][0][key] for key in ("level", "path", "part", "line")
    }
    assert status["errors"][0]["field"] == "employer" and status["errors"][0]["message"]


def test_only_the_submitter_and_staff_read_a_submission(client, bearer):
    submission_id = post(client, bearer(), document("F410")).json["submission_id"]
    assert client.get(f"{SUBMISSIONS}/{submission_id}", headers=bearer("user-other")).status_code == 404
    assert (
        client.get(f"{SUBMISSIONS}/{submission_id}", headers=bearer("user-staff", roles=("staff",))).status_code == 200
    )
    assert client.get(f"{SUBMISSIONS}/{submission_id}").status_code == 401
    assert client.get(f"{SUBMISSIONS}/not-an-id", headers=bearer()).status_code == 404


def test_a_retry_with_the_same_idempotency_key_answers_the_first_submission_with_200(client, bearer):
    first = post(client, bearer(), document("F410"), **{"Idempotency-Key": "k-1"})
    again = post(client, bearer(), document("F410"), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json["submission_id"] == first.json["submission_id"]
    assert again.headers["Location"] == first.headers["Location"]
    conflict = post(client, bearer(), document("F501"), **{"Idempotency-Key": "k-1"})
    assert conflict.status_code == 409
    assert conflict.mimetype == "application/problem+json"
    assert conflict.json["errors"][0]["field"] == "Idempotency-Key"


def test_my_submissions_are_listed_newest_first_a_page_at_a_time(client, bearer):
    sent = [post(client, bearer(), document("F410")).json["submission_id"] for _ in range(5)]
    post(client, bearer("user-other"), document("F410", signer="user-other"))
    first = client.get(f"{SUBMISSIONS}?limit=3", headers=bearer()).json
    second = client.get(f"{SUBMISSIONS}?limit=3&before={first['next_before']}", headers=bearer()).json
    listed = [item["submission_id"] for item in first["items"] + second["items"]]
    assert listed == list(reversed(sent))
    assert second["next_before"] is None
    assert first["items"][0]["error_count"] == 0
    assert client.get(f"{SUBMISSIONS}?before=garbage", headers=bearer()).status_code == 422


def test_bad_documents_are_refused_at_once_naming_the_field(client, bearer):
    for body, field in ((b"not json", "body"), (b'{"form": "F000"}', "form"), (b"[]", "body")):
        response = post(client, bearer(), body)
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        assert response.json["errors"][0]["field"] == field


def test_filing_for_an_entity_you_do_not_act_for_is_forbidden(client, bearer):
    response = post(client, bearer(), document("F460", entity_id="2000000"))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    unverified = post(client, bearer(email_verified=False), document("F410"))
    assert unverified.status_code == 403


def test_a_webhook_is_named_by_vendor_software_in_the_cars_webhook_url_header(client, bearer, database):
    vendor = bearer(f"vendor:{VENDOR}", roles=("vendor",), vendor_id=VENDOR, scope="sandbox", authorised_entities=[])
    hook = {"Cars-Webhook-Url": "https://vendor.example/hooks"}
    response = post(client, vendor, document("F410"), **hook)
    assert (response.status_code, response.json["space"]) == (202, "sandbox")
    with database.session() as session:
        assert session.get(Submission, response.json["submission_id"]).webhook_url == hook["Cars-Webhook-Url"]
    assert post(client, bearer(), document("F410"), **hook).status_code == 422
    assert post(client, vendor, document("F410"), **{"Cars-Webhook-Url": "ftp://x"}).status_code == 422


def test_the_openapi_document_describes_the_submission_routes(client):
    paths = client.get("/api/filings/openapi.json").json["paths"]
    submit = paths["/api/filings/v1/submissions"]["post"]
    assert {"202", "200", "403", "409", "422"} <= set(submit["responses"])
    assert "Idempotency-Key" in {parameter["name"] for parameter in submit["parameters"]}
    assert "Cars-Webhook-Url" in {parameter["name"] for parameter in submit["parameters"]}
    assert submit["requestBody"]["content"]["application/json"]["schema"]
    assert {"/api/filings/v1/submissions/{submission_id}", "/api/filings/v1/entities/{entity_id}"} <= set(paths)
