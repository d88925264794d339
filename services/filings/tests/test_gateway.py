import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from filings import handlers
from filings.gateway import create_app

TREASURER = "user-treasurer"

COMMITTEE = {
    "name": "Friends of Example for Assembly 2026",
    "committee_type": "recipient_committee",
    "treasurer_name": "Terry Treasurer",
    "street": "1500 11th Street",
    "city": "Sacramento",
    "state": "CA",
    "zip": "95814",
    "email": "treasurer@example.org",
}


def contribution(**changes):
    return {
        "contributor_name": "Pat Donor",
        "city": "Sacramento",
        "state": "CA",
        "zip": "958141234",
        "occupation": "Engineer",
        "employer": "State of California",
        "amount": "1000.00",
        "date": "2026-03-01",
        **changes,
    }


def campaign_statement(**changes):
    return {
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "contributions_received": "1500.00",
        "expenditures_made": "250.00",
        "schedule_a": [contribution(), contribution(amount="450.00"), contribution(amount="50.00", employer=None)],
        **changes,
    }


@pytest.fixture
def database(migrated_sqlite):
    return migrated_sqlite("filings")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


@pytest.fixture
def committee(client, token_mint):
    response = client.post("/api/filings/committees", json=COMMITTEE, headers=token_mint.headers(user_id=TREASURER))
    assert response.status_code == 201
    return response.json


def file_statement(client, token_mint, entity_id, body=None, user_id=TREASURER):
    return client.post(
        f"/api/filings/committees/{entity_id}/campaign-statements",
        json=body or campaign_statement(),
        headers=token_mint.headers(user_id=user_id),
    )


def failing_fields(response):
    return {error["field"] for error in response.json["errors"]}


def test_registering_a_committee_gives_its_text_entity_id_and_form_410(committee):
    assert committee["entity_id"] == "2000000"
    assert (committee["name"], committee["entity_type"], committee["status"]) == (
        "Friends of Example for Assembly 2026",
        "recipient_committee",
        "active",
    )
    assert committee["filing_id"]


def test_next_committee_gets_the_next_id(client, token_mint, committee):
    response = client.post("/api/filings/committees", json=COMMITTEE, headers=token_mint.headers(user_id=TREASURER))
    assert response.json["entity_id"] == "2000001"


def test_registering_needs_a_signed_in_user(client):
    response = client.post("/api/filings/committees", json=COMMITTEE)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_registration_with_bad_state_zip_and_type_names_each_field(client, token_mint):
    body = {**COMMITTEE, "state": "California", "zip": "958", "committee_type": "lobbyist"}
    response = client.post("/api/filings/committees", json=body, headers=token_mint.headers())
    assert response.status_code == 422
    assert failing_fields(response) == {"state", "zip", "committee_type"}


def test_entity_is_public(client, committee):
    response = client.get(f"/api/filings/entities/{committee['entity_id']}")
    assert response.status_code == 200
    assert (response.json["treasurer_name"], response.json["city"]) == ("Terry Treasurer", "Sacramento")


def test_form_410_is_public_with_its_plain_name(client, committee):
    response = client.get(f"/api/filings/filings/{committee['filing_id']}")
    assert response.status_code == 200
    assert (response.json["form"], response.json["form_name"], response.json["amendment"]) == (
        "F410",
        "Statement of Organization",
        0,
    )
    assert response.json["period_start"] is None
    assert response.json["content"]["name"] == "Friends of Example for Assembly 2026"


def test_treasurer_files_a_campaign_statement_and_the_public_reads_it(client, token_mint, committee):
    response = file_statement(client, token_mint, committee["entity_id"])
    assert response.status_code == 201
    public = client.get(f"/api/filings/filings/{response.json['filing_id']}").json
    assert (public["form"], public["form_name"], public["period_start"], public["period_end"]) == (
        "F460",
        "Recipient Committee Campaign Statement",
        "2026-01-01",
        "2026-06-30",
    )
    assert public["content"]["contributions_received"] == "1500.00"
    assert [line["amount"] for line in public["content"]["schedule_a"]] == ["1000.00", "450.00", "50.00"]


def test_user_who_is_not_an_agent_gets_403(client, token_mint, committee):
    response = file_statement(client, token_mint, committee["entity_id"], user_id="user-stranger")
    assert response.status_code == 403
    assert response.json["title"] == "Forbidden"


def test_agent_linked_by_accounts_may_file(client, token_mint, committee, database):
    link = {"entity_id": committee["entity_id"], "user_id": "user-agent", "role": "agent"}
    approval = make_event("accounts", "entity_link_approved", link)
    with database.session() as session:
        handlers.record_entity_link(session, read_event(approval))
    assert file_statement(client, token_mint, committee["entity_id"], user_id="user-agent").status_code == 201


def test_statement_for_unknown_entity_gets_404(client, token_mint):
    assert file_statement(client, token_mint, "2999999").status_code == 404
    assert file_statement(client, token_mint, "not-an-id!").status_code == 404


def test_statement_breaking_rules_gets_422_naming_each_field(client, token_mint, committee):
    body = campaign_statement(
        period_end="2025-12-31",
        contributions_received="99.00",
        schedule_a=[contribution(amount="150.00"), contribution(amount="200.00", employer=None, occupation="")],
    )
    response = file_statement(client, token_mint, committee["entity_id"], body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert failing_fields(response) == {
        "period_end",
        "contributions_received",
        "schedule_a.0.date",
        "schedule_a.1.date",
        "schedule_a.1.employer",
        "schedule_a.1.occupation",
    }


def test_amount_that_is_not_a_decimal_string_is_named(client, token_mint, committee):
    body = campaign_statement(expenditures_made=250.5, schedule_a=[contribution(amount="ten dollars")])
    response = file_statement(client, token_mint, committee["entity_id"], body)
    assert response.status_code == 422
    assert failing_fields(response) == {"expenditures_made", "schedule_a.0.amount"}


def test_unknown_entity_and_filing_are_404_problems(client):
    for path in ("/api/filings/entities/2999999", "/api/filings/filings/00000000-0000-0000-0000-000000000000"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    assert client.get("/api/filings/filings/%00").status_code == 404


def test_openapi_document_lists_every_route(client):
    paths = client.get("/api/filings/openapi.json").json["paths"]
    assert {
        "/api/filings/committees",
        "/api/filings/committees/{entity_id}/campaign-statements",
        "/api/filings/entities/{entity_id}",
        "/api/filings/filings/{filing_id}",
    } <= set(paths)
