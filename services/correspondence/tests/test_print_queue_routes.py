import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cars_shared.web.auth import sign_access_token
from correspondence.access_code_letters import handlers
from correspondence.access_code_letters.models import AccessCodeLetterDocument
from correspondence.gateway import create_app

ACCESS_CODE = "K7QM-3XWP-9RTD-HV2F"
LETTERS = "/api/correspondence/access-code-letters"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


@pytest.fixture
def client(database, blobs, token_mint):
    return create_app(database=database, verifier=token_mint.verifier, blob_store=blobs).test_client()


@pytest.fixture
def staff(token_mint):
    return token_mint.headers(user_id="clerk-1", roles=("staff",))


@pytest.fixture
def letter(database, access_code_issued):
    with database.session() as session:
        return handlers.receive_access_code(session, access_code_issued())


def receive(database, event):
    with database.session() as session:
        return handlers.receive_access_code(session, event)


def documents(database):
    with database.session() as session:
        return session.scalars(select(AccessCodeLetterDocument.letter_id)).all()


def test_staff_list_the_letters_waiting_to_be_mailed_without_the_code(client, staff, letter):
    response = client.get(LETTERS, headers=staff)
    assert response.status_code == 200
    [item] = response.json["items"]
    assert (item["id"], item["number"], item["code_id"], item["entity_id"]) == (
        letter.id,
        letter.number,
        "code-1",
        "1400001",
    )
    assert item["mailing_address"]["city"] == "Sacramento"
    assert (item["status"], item["holds_document"], item["print_count"]) == ("awaiting_mailing", True, 0)
    assert ACCESS_CODE not in response.get_data(as_text=True)


def test_undeliverable_letters_are_listed_for_staff_to_resolve(client, staff, database, access_code_issued):
    undeliverable = receive(database, access_code_issued(mailing_address=None))
    assert client.get(LETTERS, headers=staff).json["items"] == []
    [item] = client.get(f"{LETTERS}?status=undeliverable", headers=staff).json["items"]
    assert (item["id"], item["mailing_address"], item["holds_document"]) == (undeliverable.id, None, False)


def test_staff_print_a_batch_then_mark_it_mailed_and_the_pdf_is_gone(client, staff, database, letter):
    printed = client.post(f"{LETTERS}/print", json={"letter_ids": [letter.id]}, headers=staff)
    assert printed.status_code == 200
    assert printed.mimetype == "application/pdf"
    assert printed.headers["Cache-Control"] == "no-store"
    assert printed.headers["Content-Disposition"].startswith("attachment;")
    text = PdfReader(io.BytesIO(printed.data)).pages[0].extract_text()
    assert ACCESS_CODE in text and "Friends of Example" in text

    mailed = client.post(f"{LETTERS}/mailed", json={"letter_ids": [letter.id]}, headers=staff)
    assert mailed.status_code == 200
    [item] = mailed.json["items"]
    assert (item["status"], item["mailed_by"], item["holds_document"], item["print_count"]) == (
        "mailed",
        "clerk-1",
        False,
        1,
    )
    assert ACCESS_CODE not in mailed.get_data(as_text=True)
    assert documents(database) == []
    [kept] = client.get(f"{LETTERS}?status=mailed", headers=staff).json["items"]
    assert (kept["entity_id"], kept["code_id"], kept["mailed_on"]) == ("1400001", "code-1", item["mailed_on"])
    assert client.post(f"{LETTERS}/print", json={"letter_ids": [letter.id]}, headers=staff).status_code == 409


def test_the_log_says_who_downloaded_and_mailed_which_letter_when_and_from_where(client, staff, letter):
    client.post(f"{LETTERS}/print", json={"letter_ids": [letter.id]}, headers=staff)
    client.post(f"{LETTERS}/mailed", json={"letter_ids": [letter.id]}, headers=staff)
    response = client.get(f"{LETTERS}/log?letter_id={letter.id}", headers=staff)
    assert response.status_code == 200
    entries = response.json["items"]
    assert [(entry["action"], entry["actor_id"], entry["client"]) for entry in entries] == [
        ("mailed", "clerk-1", "127.0.0.1"),
        ("printed", "clerk-1", "127.0.0.1"),
    ]
    assert all(entry["occurred_at"] for entry in entries)
    assert ACCESS_CODE not in response.get_data(as_text=True)


def test_marking_an_unprinted_letter_mailed_is_a_409_naming_the_letters(client, staff, database, letter):
    response = client.post(f"{LETTERS}/mailed", json={"letter_ids": [letter.id]}, headers=staff)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == "letter_ids"
    assert documents(database) == [letter.id]


def test_a_mailing_day_in_the_future_is_a_422_naming_the_field(client, staff, letter):
    client.post(f"{LETTERS}/print", json={"letter_ids": [letter.id]}, headers=staff)
    response = client.post(
        f"{LETTERS}/mailed", json={"letter_ids": [letter.id], "mailed_on": "2999-01-01"}, headers=staff
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "mailed_on"


def test_an_unknown_letter_is_a_404_naming_the_letters(client, staff, letter):
    response = client.post(f"{LETTERS}/print", json={"letter_ids": [letter.id, UNKNOWN_ID]}, headers=staff)
    assert response.status_code == 404
    assert response.json["errors"][0]["field"] == "letter_ids"


def test_an_empty_batch_is_a_422_naming_the_field(client, staff):
    response = client.post(f"{LETTERS}/print", json={"letter_ids": []}, headers=staff)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "letter_ids"


def test_staff_resolve_an_undeliverable_letter(client, staff, database, access_code_issued):
    undeliverable = receive(database, access_code_issued(mailing_address=None))
    path = f"{LETTERS}/{undeliverable.id}/resolution"
    assert client.post(path, json={"resolution": "  "}, headers=staff).json["errors"][0]["field"] == "resolution"
    response = client.post(path, json={"resolution": "Entity terminated in 2019; no letter needed."}, headers=staff)
    assert response.status_code == 200
    assert (response.json["status"], response.json["resolved_by"]) == ("resolved", "clerk-1")
    assert client.post(path, json={"resolution": "Again."}, headers=staff).status_code == 409


def test_a_letter_waiting_to_be_mailed_is_not_resolved(client, staff, letter):
    response = client.post(f"{LETTERS}/{letter.id}/resolution", json={"resolution": "Done."}, headers=staff)
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", LETTERS, None),
        ("get", f"{LETTERS}?status=mailed", None),
        ("post", f"{LETTERS}/print", {"letter_ids": ["{id}"]}),
        ("post", f"{LETTERS}/mailed", {"letter_ids": ["{id}"]}),
        ("post", f"{LETTERS}/{{id}}/resolution", {}),
        ("get", f"{LETTERS}/log", None),
    ],
)
def test_the_print_queue_refuses_everyone_but_staff_signed_in_with_mfa(
    client, token_mint, database, letter, method, path, body
):
    path = path.replace("{id}", letter.id)
    body = {key: [letter.id] for key in body} if body else body
    filer = token_mint.headers(user_id="officer-1", roles=("filer",))
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
    call = getattr(client, method)
    for headers, status in (({}, 401), (filer, 403), (staff_without_mfa, 403)):
        response = call(path, json=body, headers=headers) if body is not None else call(path, headers=headers)
        assert response.status_code == status, (headers, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json"
        assert ACCESS_CODE not in response.get_data(as_text=True)
    assert documents(database) == [letter.id]


def test_access_code_letters_are_not_correspondence_anyone_can_list(client, staff, token_mint, letter):
    for headers in (staff, token_mint.headers(user_id="officer-1")):
        assert client.get("/api/correspondence/mine", headers=headers).json["items"] == []


def test_openapi_documents_the_batch_as_a_pdf_behind_bearer_auth(client):
    document = client.get("/api/correspondence/openapi.json").json
    operation = document["paths"][f"{LETTERS}/print"]["post"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {"401", "403", "404", "409"} <= set(operation["responses"])
