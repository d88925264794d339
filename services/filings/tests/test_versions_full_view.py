"""The full view of a filing, private fields included, for those entitled; a 403 for anyone else, never the public one.

Filings are filed through intake (a committee's Form 410 and Form 460, by a person and by vendor software) on
PostgreSQL, and read through the gateway with tokens carrying the claims accounts gives.
"""

import json
import time

import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.web.auth import Principal, sign_access_token
from filings import handlers
from filings.examples import example
from filings.gateway import create_app
from filings.models import Submission
from filings.permissions import Caller
from filings.submissions import handlers as intake

TREASURER = "user-treasurer"
VENDOR = "vendor-acme"
OTHER_VENDOR = "vendor-other"
ACCOUNT_NUMBER = example("F410")["parts"]["bank"]["account_number"]
CONTRIBUTOR_STREET = example("F460")["parts"]["schedule_a"][0]["street"]


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def person(officer_of=None):
    links = [{"entity_id": officer_of, "role": "officer"}] if officer_of else []
    return Caller.of(
        Principal(TREASURER, TREASURER, ("filer",), {"entities": links, "email_verified": True, "mfa": True})
    )


def vendor(scope, *, authorised=(), vendor_id=VENDOR):
    entities = [{"entity_id": entity_id, "role": "agent"} for entity_id in authorised] if scope == "production" else []
    claims = {"vendor_id": vendor_id, "scope": scope, "authorised_entities": list(authorised), "entities": entities}
    return Caller.of(Principal(f"vendor:{vendor_id}", "Acme Filing Software", ("vendor",), claims))


def filed(database, caller, document):
    """Submitted and checked as the gateway and then the worker do it; the accepted submission."""
    document["verification"] = {**document["verification"], "signer_id": TREASURER}
    with database.session() as session:
        submission_id = intake.receive(session, caller, json.dumps(document).encode()).submission.submission_id
    with database.session() as session:
        intake.check(session, submission_id)
    with database.session() as session:
        decided = session.get(Submission, submission_id)
    assert decided.status == "accepted", decided.errors
    return decided


def report_of(entity_id, **changes):
    document = example("F460")
    document.update(entity_id=entity_id, **changes)
    return document


@pytest.fixture
def committee(database):
    """A committee registered by its treasurer, who is also its agent as accounts' link projection knows."""
    entity_id = filed(database, person(), example("F410")).entity_id
    link = {"entity_id": entity_id, "user_id": TREASURER, "role": "agent"}
    with database.session() as session:
        handlers.record_entity_link(session, read_event(make_event("accounts", "entity_link_approved", link)))
    return entity_id


@pytest.fixture
def statement(database, committee):
    """The committee's Form 460 and its amendment, which moves the first contributor to another street."""
    original = filed(database, person(committee), report_of(committee))
    amendment = report_of(committee, amends={"filing_id": original.filing_id, "amendment": 0})
    amendment["parts"]["schedule_a"][0]["street"] = "1000 Q Street"
    filed(database, person(committee), amendment)
    return original.filing_id


def bearer(mint, user_id="user-reader", roles=("filer",), **claims):
    token = sign_access_token(
        mint.private_key,
        mint.kid,
        user_id=user_id,
        username="reader",
        roles=roles,
        ttl_seconds=300,
        extra_claims=claims,
    )
    return {"Authorization": f"Bearer {token}"}


def linked(mint, entity_id, role):
    return bearer(mint, entities=[{"entity_id": entity_id, "role": role}])


def partner(mint, entity_id, until):
    return bearer(mint, roles=("partner",), entities=[], partner_grants=[{"entity_id": entity_id, "until": until}])


def vendor_bearer(mint, scope, vendor_id=VENDOR, authorised=()):
    entities = [{"entity_id": entity_id, "role": "agent"} for entity_id in authorised] if scope == "production" else []
    claims = {"vendor_id": vendor_id, "scope": scope, "authorised_entities": list(authorised), "entities": entities}
    return bearer(mint, user_id=f"vendor:{vendor_id}", roles=("vendor",), **claims)


def part(body, name):
    return next(item for item in body["parts"] if item["name"] == name)


def field_names(body, part_name):
    return {field["name"] for field in part(body, part_name)["fields"]}


def registration_of(database, entity_id):
    with database.session() as session:
        return session.query(Submission).filter_by(entity_id=entity_id, form="F410").one().filing_id


@pytest.mark.parametrize("role", ["officer", "agent", "viewer"])
def test_the_entitys_officers_agents_and_viewers_read_a_filing_in_full(client, database, token_mint, committee, role):
    registration = registration_of(database, committee)

    response = client.get(
        f"/api/filings/v1/filings/{registration}?view=full", headers=linked(token_mint, committee, role)
    )

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store", "no cache keeps private fields"
    body = response.json
    assert body["view"] == "full"
    assert "account_number" in field_names(body, "bank")
    assert ACCOUNT_NUMBER in str(body)
    assert (body["filed_by"], body["signer_id"], body["vendor_id"]) == (TREASURER, TREASURER, None)
    assert body["verification_statement"]
    assert isinstance(body["warnings"], list)


def test_without_view_full_the_same_reader_gets_the_public_view(client, database, token_mint, committee):
    registration = registration_of(database, committee)

    body = client.get(f"/api/filings/v1/filings/{registration}", headers=linked(token_mint, committee, "officer")).json

    assert body["view"] == "public"
    assert ACCOUNT_NUMBER not in str(body)
    assert not {"filed_by", "signer_id", "warnings"} & set(body)


def test_the_full_view_of_line_items_shows_private_fields(client, token_mint, committee, statement):
    path = f"/api/filings/v1/filings/{statement}/versions/0/lines/schedule_a"

    full = client.get(f"{path}?view=full", headers=linked(token_mint, committee, "viewer")).json
    public = client.get(path).json

    assert (full["view"], public["view"]) == ("full", "public")
    assert "street" in {column["name"] for column in full["columns"]}
    assert full["lines"][0]["values"]["street"] == CONTRIBUTOR_STREET
    assert CONTRIBUTOR_STREET not in str(public)


def test_the_full_diff_shows_a_change_to_a_private_field_the_public_diff_hides(
    client, token_mint, committee, statement
):
    path = f"/api/filings/v1/filings/{statement}/diff?from=0&to=1"

    full = client.get(f"{path}&view=full", headers=linked(token_mint, committee, "officer")).json
    public = client.get(path).json

    [schedule_a] = full["lines"]
    [change] = schedule_a["line_changes"]
    assert (full["view"], change["line"], change["changes"][0]["field"]) == ("full", 1, "street")
    assert (change["changes"][0]["old"], change["changes"][0]["new"]) == (CONTRIBUTOR_STREET, "1000 Q Street")
    assert public["lines"] == [] and "Q Street" not in str(public)
    more = client.get(
        f"/api/filings/v1/filings/{statement}/diff/lines/schedule_a?from=0&to=1&view=full",
        headers=linked(token_mint, committee, "officer"),
    ).json
    assert [line["changes"][0]["new"] for line in more["line_changes"]] == ["1000 Q Street"]


def test_a_partner_reads_in_full_while_the_grant_runs_and_is_refused_once_it_ended(
    client, database, token_mint, committee
):
    path = f"/api/filings/v1/filings/{registration_of(database, committee)}?view=full"

    running = client.get(path, headers=partner(token_mint, committee, until=int(time.time()) + 3600))
    ended = client.get(path, headers=partner(token_mint, committee, until=int(time.time()) - 1))

    assert running.status_code == 200 and ACCOUNT_NUMBER in running.get_data(as_text=True)
    assert ended.status_code == 403


def test_staff_read_any_filing_in_full(client, database, token_mint, committee):
    response = client.get(
        f"/api/filings/v1/filings/{registration_of(database, committee)}/versions/0?view=full",
        headers=bearer(token_mint, roles=("staff",)),
    )

    assert response.status_code == 200 and ACCOUNT_NUMBER in response.get_data(as_text=True)


def test_the_vendor_that_filed_in_production_reads_it_in_full_and_no_other_vendor_does(
    client, database, token_mint, committee
):
    with database.session() as session:
        handlers.record_vendor_status(
            session,
            read_event(
                make_event("accounts", "vendor_certified", {"vendor_id": VENDOR, "name": "Acme", "certified_by": "s"})
            ),
            certified=True,
        )
    report = filed(database, vendor("production", authorised=[committee]), report_of(committee)).filing_id
    path = f"/api/filings/v1/filings/{report}?view=full"

    by_vendor = client.get(path, headers=vendor_bearer(token_mint, "production", authorised=[committee]))
    by_other = client.get(path, headers=vendor_bearer(token_mint, "production", OTHER_VENDOR, authorised=[committee]))

    assert by_vendor.status_code == 200
    assert (by_vendor.json["vendor_id"], by_vendor.json["filed_by"]) == (VENDOR, f"vendor:{VENDOR}")
    lines = client.get(
        f"/api/filings/v1/filings/{report}/versions/0/lines/schedule_a?view=full",
        headers=vendor_bearer(token_mint, "production", authorised=[committee]),
    )
    assert lines.json["lines"][0]["values"]["street"] == CONTRIBUTOR_STREET
    assert by_other.status_code == 403, "an authorisation to file for the entity is no right to read others' filings"
    registration = registration_of(database, committee)
    by_authorised = client.get(
        f"/api/filings/v1/filings/{registration}?view=full",
        headers=vendor_bearer(token_mint, "production", authorised=[committee]),
    )
    assert by_authorised.status_code == 403, "the registration was filed by a person, not by the vendor"


def test_the_vendor_reads_its_sandbox_filing_in_full_and_it_stays_hidden_from_others(client, database, token_mint):
    registration = filed(database, vendor("sandbox"), example("F410")).filing_id
    path = f"/api/filings/v1/filings/{registration}?view=full"

    mine = client.get(path, headers=vendor_bearer(token_mint, "sandbox"))
    others = client.get(path, headers=vendor_bearer(token_mint, "sandbox", OTHER_VENDOR))

    assert mine.status_code == 200 and ACCOUNT_NUMBER in mine.get_data(as_text=True)
    assert others.status_code == 404


FULL_VIEW_ROUTES = [
    "/api/filings/v1/filings/{id}?view=full",
    "/api/filings/v1/filings/{id}/versions/1?view=full",
    "/api/filings/v1/filings/{id}/versions/0/lines/schedule_a?view=full",
    "/api/filings/v1/filings/{id}/diff?from=0&to=1&view=full",
    "/api/filings/v1/filings/{id}/diff/lines/schedule_a?from=0&to=1&view=full",
]


@pytest.mark.parametrize("path", FULL_VIEW_ROUTES)
def test_a_caller_not_entitled_asking_for_the_full_view_is_refused_never_shown_the_public_view(
    client, token_mint, committee, statement, path
):
    url = path.format(id=statement)
    refusals = {
        "another entity's officer": linked(token_mint, "2999999", "officer"),
        "a partner of another entity": partner(token_mint, "2999999", until=int(time.time()) + 3600),
        "a filer's token naming a vendor": bearer(token_mint, vendor_id=VENDOR, scope="production"),
    }

    for who, headers in refusals.items():
        response = client.get(url, headers=headers)
        assert response.status_code == 403, who
        assert response.mimetype == "application/problem+json"
        assert CONTRIBUTOR_STREET not in response.get_data(as_text=True)
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"


def test_an_unknown_view_names_the_field(client, statement):
    response = client.get(f"/api/filings/v1/filings/{statement}?view=everything")

    assert response.status_code == 422
    assert {error["field"] for error in response.json["errors"]} == {"view"}


def test_the_openapi_document_describes_the_full_view_and_its_refusal(client):
    spec = client.get("/api/filings/openapi.json").json

    for path in (
        "/api/filings/v1/filings/{filing_id}",
        "/api/filings/v1/filings/{filing_id}/versions/{amendment}",
        "/api/filings/v1/filings/{filing_id}/versions/{amendment}/lines/{part}",
        "/api/filings/v1/filings/{filing_id}/diff",
    ):
        operation = spec["paths"][path]["get"]
        [view] = [parameter for parameter in operation["parameters"] if parameter["name"] == "view"]
        assert view["schema"]["enum"] == ["public", "full"]
        assert "officers, agents and viewers" in view["description"]
        assert {"401", "403", "404"} <= set(operation["responses"])
