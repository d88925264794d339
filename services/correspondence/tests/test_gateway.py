import io

import pytest
from pypdf import PdfReader

from correspondence import handlers
from correspondence.gateway import create_app

OWNER = "user-owner"
STRANGER = "user-stranger"


@pytest.fixture
def database(migrated_sqlite):
    return migrated_sqlite("correspondence")


@pytest.fixture
def client(database, blobs, token_mint):
    app = create_app(database=database, verifier=token_mint.verifier, blob_store=blobs)
    return app.test_client()


def issue_notice(database, blobs, event):
    with database.session() as session:
        return handlers.issue_annual_fee_notice(session, event, blobs)


def link(database, event):
    with database.session() as session:
        handlers.grant_entity_access(session, event)


@pytest.fixture
def notice(database, blobs, fee_assessed, link_approved):
    issued = issue_notice(database, blobs, fee_assessed())
    link(database, link_approved(user_id=OWNER))
    return issued


def test_owner_lists_the_entitys_notices_newest_first(client, database, blobs, notice, token_mint, fee_assessed):
    newer = issue_notice(database, blobs, fee_assessed(assessment_id="assessment-2"))
    response = client.get("/api/correspondence/mine", headers=token_mint.headers(user_id=OWNER))
    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == [newer.id, notice.id]
    item = response.json["items"][1]
    assert (item["number"], item["title"], item["entity_id"]) == (notice.number, "Annual Fee Notice 2026", "1400001")
    assert item["pdf_url"] == f"/api/correspondence/{notice.id}/pdf"


def test_owner_reads_metadata_and_downloads_the_pdf(client, notice, token_mint):
    headers = token_mint.headers(user_id=OWNER)
    assert client.get(f"/api/correspondence/{notice.id}", headers=headers).json["sha256"] == notice.sha256
    response = client.get(f"/api/correspondence/{notice.id}/pdf", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{notice.number}.pdf"' in response.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert notice.number in text and "$50.00" in text


def test_another_user_sees_nothing_and_gets_404_on_metadata_and_pdf(client, notice, token_mint):
    headers = token_mint.headers(user_id=STRANGER)
    assert client.get("/api/correspondence/mine", headers=headers).json["items"] == []
    for path in (f"/api/correspondence/{notice.id}", f"/api/correspondence/{notice.id}/pdf"):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_unknown_and_forbidden_correspondence_get_the_same_answer(client, notice, token_mint):
    headers = token_mint.headers(user_id=STRANGER)
    forbidden = client.get(f"/api/correspondence/{notice.id}", headers=headers)
    unknown = client.get("/api/correspondence/00000000-0000-4000-8000-000000000000", headers=headers)
    assert (forbidden.status_code, forbidden.json["detail"]) == (unknown.status_code, unknown.json["detail"])


def test_staff_see_all_correspondence(client, notice, token_mint):
    headers = token_mint.headers(user_id="clerk", roles=("staff",))
    assert [item["id"] for item in client.get("/api/correspondence/mine", headers=headers).json["items"]] == [notice.id]
    assert client.get(f"/api/correspondence/{notice.id}/pdf", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/correspondence/mine", "/api/correspondence/{id}", "/api/correspondence/{id}/pdf"]
)
def test_no_token_is_a_401_problem(client, notice, path):
    response = client.get(path.format(id=notice.id))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_pdf_that_fails_its_checksum_is_not_served(client, blobs, notice, token_mint):
    path = blobs.path_of(notice.blob_key)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 forged")
    response = client.get(f"/api/correspondence/{notice.id}/pdf", headers=token_mint.headers(user_id=OWNER))
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert b"forged" not in response.data


def test_limit_out_of_range_is_a_422_problem_naming_the_field(client, token_mint):
    response = client.get("/api/correspondence/mine?limit=0", headers=token_mint.headers(user_id=OWNER))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "limit"


def test_openapi_documents_the_pdf_as_application_pdf_behind_bearer_auth(client):
    document = client.get("/api/correspondence/openapi.json").json
    operation = document["paths"]["/api/correspondence/{correspondence_id}/pdf"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert "404" in operation["responses"]
    assert "/api/correspondence/mine" in document["paths"]
