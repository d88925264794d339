import io
import uuid
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from cars_shared.web.auth import sign_access_token
from correspondence import handlers
from correspondence.gateway import create_app
from correspondence.models import Correspondence

BASE = "/api/correspondence"
OFFICER, AGENT, STRANGER = "user-officer", "user-agent", "user-stranger"


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


@pytest.fixture
def client(database, blobs, token_mint):
    return create_app(database=database, verifier=token_mint.verifier, blob_store=blobs).test_client()


@pytest.fixture
def staff(token_mint):
    return token_mint.headers(user_id="clerk-1", roles=("staff",))


def headers_of(token_mint, user_id):
    return token_mint.headers(user_id=user_id)


@pytest.fixture
def issued(database, blobs, contract_event, link_approved):
    """A penalty notice and a payment receipt to entity 1400001 (officer and agent linked), a notice to 1400002."""
    with database.session() as session:
        handlers.grant_entity_access(session, link_approved(user_id=OFFICER, entity_id="1400001"))
        handlers.grant_entity_access(session, link_approved(user_id=AGENT, entity_id="1400001", role="agent"))
        handlers.grant_entity_access(session, link_approved(user_id=STRANGER, entity_id="1400002"))
        penalty = handlers.issue_penalty_notice(session, contract_event("fees", "penalty_assessed"), blobs)
        receipt = handlers.issue_payment_receipt(session, contract_event("fees", "payment_received"), blobs)
        other = handlers.issue_penalty_notice(
            session, contract_event("fees", "penalty_assessed", entry_id="entry-other", entity_id="1400002"), blobs
        )
    return {"penalty": penalty, "receipt": receipt, "other": other}


def listed(client, headers, query=""):
    response = client.get(f"{BASE}/mine{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.json["items"]]


def backdate(database, correspondence, moment):
    with database.session() as session:
        session.execute(update(Correspondence).where(Correspondence.id == correspondence.id).values(issued_at=moment))


def test_every_linked_user_lists_the_entitys_correspondence_and_nothing_else(client, token_mint, issued):
    expected = {issued["penalty"].id, issued["receipt"].id}
    assert set(listed(client, headers_of(token_mint, OFFICER))) == expected
    assert set(listed(client, headers_of(token_mint, AGENT))) == expected
    assert listed(client, headers_of(token_mint, STRANGER)) == [issued["other"].id]


def test_users_filter_their_list_by_kind(client, token_mint, issued):
    headers = headers_of(token_mint, OFFICER)
    assert listed(client, headers, "?kind=payment_receipt") == [issued["receipt"].id]
    assert listed(client, headers, "?kind=penalty_notice") == [issued["penalty"].id]
    assert listed(client, headers, "?kind=filing_receipt") == []


def test_users_filter_their_list_by_day_of_issue_in_pacific_time(client, database, token_mint, issued):
    # 06:30 UTC on August 4 is still August 3 in California (23:30 PDT).
    backdate(database, issued["penalty"], datetime(2026, 8, 4, 6, 30, tzinfo=UTC))
    backdate(database, issued["receipt"], datetime(2026, 8, 20, 18, 0, tzinfo=UTC))
    headers = headers_of(token_mint, OFFICER)
    assert listed(client, headers, "?issued_from=2026-08-03&issued_to=2026-08-03") == [issued["penalty"].id]
    assert listed(client, headers, "?issued_from=2026-08-04&issued_to=2026-08-31") == [issued["receipt"].id]
    assert listed(client, headers, "?issued_to=2026-08-02") == []


def test_a_backwards_date_range_is_a_422_naming_issued_to(client, token_mint, issued):
    response = client.get(
        f"{BASE}/mine?issued_from=2026-08-04&issued_to=2026-08-01", headers=headers_of(token_mint, OFFICER)
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == "issued_to"


def test_an_unknown_kind_is_a_422_naming_kind(client, token_mint):
    response = client.get(f"{BASE}/mine?kind=love_letter", headers=headers_of(token_mint, OFFICER))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "kind"


def test_marking_read_is_per_user_and_the_first_mark_stands(client, token_mint, issued):
    officer, agent = headers_of(token_mint, OFFICER), headers_of(token_mint, AGENT)
    penalty = issued["penalty"].id
    first = client.post(f"{BASE}/{penalty}/read", headers=officer)
    assert first.status_code == 200 and first.json["read_at"] is not None
    assert client.post(f"{BASE}/{penalty}/read", headers=officer).json["read_at"] == first.json["read_at"]
    assert client.get(f"{BASE}/{penalty}", headers=officer).json["read_at"] == first.json["read_at"]
    assert client.get(f"{BASE}/{penalty}", headers=agent).json["read_at"] is None
    assert listed(client, officer, "?unread=true") == [issued["receipt"].id]
    assert set(listed(client, agent, "?unread=true")) == {penalty, issued["receipt"].id}


def test_another_entitys_user_cannot_read_mark_or_download(client, token_mint, issued):
    stranger = headers_of(token_mint, STRANGER)
    penalty = issued["penalty"].id
    for response in (
        client.get(f"{BASE}/{penalty}/pdf", headers=stranger),
        client.get(f"{BASE}/{penalty}", headers=stranger),
        client.post(f"{BASE}/{penalty}/read", headers=stranger),
    ):
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert b"%PDF" not in response.data


def test_a_linked_user_downloads_the_pdf_with_its_facts(client, token_mint, issued):
    response = client.get(f"{BASE}/{issued['receipt'].id}/pdf", headers=headers_of(token_mint, AGENT))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert issued["receipt"].number in text and "Payment Receipt" in text and "$50.00" in text


def test_staff_see_everything_and_filter_by_entity(client, staff, issued):
    assert set(listed(client, staff)) == {letter.id for letter in issued.values()}
    assert listed(client, staff, "?entity_id=1400002") == [issued["other"].id]


def compliance_request(**changes):
    return {
        "request_id": str(uuid.uuid4()),
        "entity_id": "1400001",
        "title": "Notice of Missing Statement of Organization",
        "body": "Our records show no Form 410 on file.\n\nPlease file it within 10 days.",
    } | changes


def test_staff_issue_a_compliance_letter_that_linked_users_read(client, staff, token_mint, issued):
    request = compliance_request()
    response = client.post(f"{BASE}/compliance-letters", json=request, headers=staff)
    assert response.status_code == 201, response.get_data(as_text=True)
    letter = response.json
    assert (letter["kind"], letter["entity_id"], letter["template_version"]) == (
        "compliance_letter",
        "1400001",
        "compliance_letter.v1",
    )
    officer = headers_of(token_mint, OFFICER)
    assert listed(client, officer, "?kind=compliance_letter") == [letter["id"]]
    document = client.get(f"{BASE}/{letter['id']}/pdf", headers=officer).data
    text = " ".join(PdfReader(io.BytesIO(document)).pages[0].extract_text().split())
    # The name comes from the penalty event heard earlier.
    for expected in ("Friends of Example for Assembly 2026", "Notice of Missing Statement", "Please file it within"):
        assert expected in text, expected


def test_the_same_compliance_request_twice_issues_one_letter(client, staff, issued):
    request = compliance_request()
    first = client.post(f"{BASE}/compliance-letters", json=request, headers=staff)
    again = client.post(f"{BASE}/compliance-letters", json=request, headers=staff)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert len(listed(client, staff, "?kind=compliance_letter")) == 1


def test_issuing_a_compliance_letter_is_in_the_append_only_staff_log(client, staff, database, issued):
    letter = client.post(f"{BASE}/compliance-letters", json=compliance_request(), headers=staff).json
    log = client.get(f"{BASE}/staff-actions", headers=staff).json["items"]
    assert [(entry["action"], entry["actor_id"], entry["correspondence_id"]) for entry in log] == [
        ("compliance_letter.issued", "clerk-1", letter["id"])
    ]
    assert letter["number"] in log[0]["note"]
    with pytest.raises(DBAPIError, match="append-only"), database.session() as session:
        session.execute(text("DELETE FROM staff_action_log"))


def test_a_letter_to_an_entity_never_named_needs_a_name(client, staff):
    response = client.post(f"{BASE}/compliance-letters", json=compliance_request(entity_id="1499999"), headers=staff)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "entity_name"
    named = compliance_request(entity_id="1499999", entity_name="Комитет Ромашка")
    assert client.post(f"{BASE}/compliance-letters", json=named, headers=staff).status_code == 201


def test_a_compliance_letter_without_a_title_is_a_422_naming_it(client, staff):
    request = compliance_request()
    del request["title"]
    response = client.post(f"{BASE}/compliance-letters", json=request, headers=staff)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "title"


def test_only_staff_signed_in_with_mfa_issue_letters_or_read_the_staff_log(client, token_mint, database, issued):
    staff_without_mfa = {
        "Authorization": "Bearer "
        + sign_access_token(
            token_mint.private_key,
            token_mint.kid,
            user_id="clerk-2",
            username="clerk2",
            roles=("staff",),
            ttl_seconds=300,
            extra_claims={"mfa": False},
        )
    }
    for headers, status in (({}, 401), (headers_of(token_mint, OFFICER), 403), (staff_without_mfa, 403)):
        posted = client.post(f"{BASE}/compliance-letters", json=compliance_request(), headers=headers)
        assert posted.status_code == status
        assert posted.mimetype == "application/problem+json"
        assert client.get(f"{BASE}/staff-actions", headers=headers).status_code == status
    assert listed(client, token_mint.headers(user_id="clerk-1", roles=("staff",)), "?kind=compliance_letter") == []


def test_openapi_documents_filters_mark_read_and_compliance_letters(client):
    paths = client.get(f"{BASE}/openapi.json").json["paths"]
    parameters = {parameter["name"] for parameter in paths[f"{BASE}/mine"]["get"]["parameters"]}
    assert {"kind", "issued_from", "issued_to", "entity_id", "unread", "limit"} <= parameters
    assert "post" in paths[f"{BASE}/{{correspondence_id}}/read"]
    assert {"201", "200", "403", "422"} <= set(paths[f"{BASE}/compliance-letters"]["post"]["responses"])
