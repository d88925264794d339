"""Filers without a registration form: their first Form 645 or 635, filed without entity_id, registers them.

A person spending $5,000 or more to influence (Form 645) and an employer that only hires a lobbying firm (Form
635) never file a registration. The original of their first report creates the entity and publishes
entity_registered; later reports name the entity, and amendments of the first one leave the entity as it is.
"""

import json

import pytest
from sqlalchemy import func, select

from cars_shared.messaging_tables import outbox
from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden
from filings.checking import check_submission
from filings.domain.forms import form_named
from filings.domain.forms.declaration import EntityEffect
from filings.domain.registration import may_create_entity, public_entity_fields, registers
from filings.examples import example
from filings.gateway import create_app
from filings.models import Entity, Submission
from filings.permissions import Caller
from filings.submissions import handlers as submissions
from filings.submissions.envelope import UnreadableSubmission

FILER = "user-first-filer"
CONTACT = {"street": "1 Capitol Mall", "city": "Sacramento", "state": "CA", "zip": "95814"}
NOTICES = "notices@sierra-outdoor.example.org"


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def person(*, officer_of=()):
    links = [{"entity_id": entity_id, "role": "officer"} for entity_id in officer_of]
    claims = {"entities": links, "email_verified": True, "mfa": True}
    return Caller.of(Principal(FILER, FILER, ("filer",), claims))


def vendor(scope, *, authorised=()):
    claims = {"vendor_id": "vendor-acme", "scope": scope, "authorised_entities": list(authorised), "entities": []}
    return Caller.of(Principal("vendor:vendor-acme", "Acme Filing Software", ("vendor",), claims))


def first_report_of_a_person_spending():
    """Form 645 of a council that spent $6,545 to influence, filed without an entity: its first report."""
    document = example("F645")
    del document["entity_id"]
    document["parts"]["cover"].update(CONTACT, phone="916-555-0101", email=NOTICES)
    document["verification"] = {**document["verification"], "signer_id": FILER}
    return document


def first_report_of_an_employer_hiring_only_a_firm():
    """Form 635 of an employer with no in-house lobbyist, only a lobbying firm, filed without an entity."""
    document = example("F635")
    del document["entity_id"]
    parts = document["parts"]
    parts["cover"].update(CONTACT, filer_type="lobbyist_employer", email=NOTICES)
    del parts["in_house_lobbyists"]
    parts["summary"].update(in_house_lobbyist_payments="0.00", total_payments="30007.50", session_total="30007.50")
    document["verification"] = {**document["verification"], "signer_id": FILER}
    return document


def file(database, caller, document):
    with database.session() as session:
        submission_id = submissions.receive(session, caller, json.dumps(document).encode()).submission.submission_id
    with database.session() as session:
        submissions.check(session, submission_id)
    with database.session() as session:
        return session.get(Submission, submission_id)


def published(database):
    with database.session() as session:
        rows = session.execute(select(outbox.c.event_type, outbox.c.envelope).order_by(outbox.c.id)).all()
    return [(row.event_type, row.envelope["payload"]) for row in rows]


def entity(database, entity_id):
    with database.session() as session:
        found = session.get(Entity, entity_id)
        session.expunge(found)
        return found


def entity_count(database):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Entity))


# -- the forms declare it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["F635", "F645"])
def test_the_reports_of_filers_without_a_registration_form_register_them_on_first_filing(code):
    form = form_named(code)
    assert form.effect == EntityEffect.REGISTERS_ON_FIRST_FILING
    assert may_create_entity(form) and not registers(form)
    assert form.entity_fields["name"].part == "cover"


def test_other_reports_never_create_their_filer():
    assert not may_create_entity(form_named("F615"))
    assert not may_create_entity(form_named("F460"))


def test_the_public_record_of_a_person_spending_leaves_out_the_street_and_notice_email():
    shown = public_entity_fields("person_spending_to_influence")
    assert {"name", "entity_type", "city", "state", "zip"} <= shown
    assert not {"street", "email"} & shown


# -- the checker accepts the report with or without its filer's ID -----------------------------------------------


def test_a_first_report_without_entity_id_is_checked_as_one_creating_its_filer():
    checked = check_submission(json.dumps(first_report_of_a_person_spending()).encode())

    assert checked.accepted, checked.errors
    assert checked.envelope.creates_entity and checked.envelope.entity_id is None


def test_a_later_report_names_its_filer_and_creates_nothing():
    checked = check_submission(json.dumps(example("F645")).encode())

    assert checked.accepted, checked.errors
    assert not checked.envelope.creates_entity


def test_an_amendment_of_a_first_report_must_name_the_filer():
    document = first_report_of_a_person_spending()
    document["amends"] = {"filing_id": "8bb8945a-1124-4ad4-90ee-de2c98fdc5db", "amendment": 0}

    checked = check_submission(json.dumps(document).encode())

    assert [(problem.path, problem.level.value) for problem in checked.errors] == [("entity_id", "error")]


def test_a_registration_still_may_not_name_an_entity():
    document = example("F410")
    document["entity_id"] = "2000001"

    checked = check_submission(json.dumps(document).encode())

    assert [problem.path for problem in checked.errors] == ["entity_id"]


# -- filing them (PostgreSQL) ---------------------------------------------------------------------------------


def test_a_first_form_645_creates_the_person_spending_and_publishes_entity_registered(database):
    decided = file(database, person(), first_report_of_a_person_spending())

    assert decided.status == "accepted", decided.errors
    created = entity(database, decided.entity_id)
    assert (created.name, created.entity_type, created.space) == (
        "Sierra Outdoor Recreation Council",
        "person_spending_to_influence",
        "production",
    )
    assert (created.street, created.city, created.email, created.created_by) == (
        "1 Capitol Mall",
        "Sacramento",
        NOTICES,
        FILER,
    )
    events = published(database)
    assert [event_type for event_type, _ in events] == [
        "submission_received",
        "entity_registered",
        "filing_accepted",
    ]
    registered = events[1][1]
    assert (registered["entity_id"], registered["entity_type"], registered["registered_by"]) == (
        created.entity_id,
        "person_spending_to_influence",
        FILER,
    )
    assert registered["filing_id"] == decided.filing_id
    assert NOTICES not in json.dumps([payload for _, payload in events]), "no private field in any event"


def test_a_first_form_635_of_an_employer_hiring_only_a_firm_creates_the_employer(database):
    decided = file(database, person(), first_report_of_an_employer_hiring_only_a_firm())

    assert decided.status == "accepted", decided.errors
    created = entity(database, decided.entity_id)
    assert (created.name, created.entity_type, created.street) == (
        "Golden State Nurses Association",
        "lobbyist_employer",
        "1 Capitol Mall",
    )
    assert ("entity_registered", "filing_accepted") == tuple(
        event_type for event_type, _ in published(database) if event_type in {"entity_registered", "filing_accepted"}
    )


def test_a_first_form_635_that_does_not_say_employer_or_coalition_is_rejected_naming_the_field(database):
    document = first_report_of_an_employer_hiring_only_a_firm()
    del document["parts"]["cover"]["filer_type"]

    decided = file(database, person(), document)

    assert decided.status == "rejected"
    assert any("cover.filer_type" in problem["message"] for problem in decided.errors), decided.errors
    assert entity_count(database) == 0
    assert "entity_registered" not in [event_type for event_type, _ in published(database)]


def test_an_amendment_of_the_first_report_leaves_the_entity_as_registered(database):
    first = file(database, person(), first_report_of_a_person_spending())
    amendment = first_report_of_a_person_spending()
    amendment.update(entity_id=first.entity_id, amends={"filing_id": first.filing_id, "amendment": 0})
    amendment["parts"]["cover"].update(filer_name="Sierra Outdoor Council", city="Truckee")

    decided = file(database, person(officer_of=[first.entity_id]), amendment)

    assert decided.status == "accepted", decided.errors
    assert (decided.filing_id, decided.amendment) == (first.filing_id, 1)
    unchanged = entity(database, first.entity_id)
    assert (unchanged.name, unchanged.city) == ("Sierra Outdoor Recreation Council", "Sacramento")
    types = [event_type for event_type, _ in published(database)]
    assert types.count("entity_registered") == 1 and "entity_updated" not in types
    assert "filing_amended" in types


def test_the_next_quarters_report_names_the_entity_and_creates_no_other(database):
    first = file(database, person(), first_report_of_a_person_spending())
    next_quarter = first_report_of_a_person_spending()
    next_quarter.update(entity_id=first.entity_id, period={"start": "2026-04-01", "end": "2026-06-30"})
    for line in next_quarter["parts"]["activity_expenses"]:
        line["expense_date"] = "2026-05-12"
    for line in next_quarter["parts"]["other_payments"]:
        line["payment_date"] = "2026-04-15"

    decided = file(database, person(officer_of=[first.entity_id]), next_quarter)

    assert decided.status == "accepted", decided.errors
    assert decided.entity_id == first.entity_id
    assert entity_count(database) == 1
    assert [event_type for event_type, _ in published(database)].count("entity_registered") == 1


def test_a_report_that_never_registers_its_filer_still_needs_entity_id(database):
    document = example("F615")
    del document["entity_id"]

    with pytest.raises(UnreadableSubmission) as refused, database.session() as session:
        submissions.receive(session, person(), json.dumps(document).encode())

    assert refused.value.field == "entity_id"


def test_vendor_software_registers_no_first_filer_in_production_but_may_in_its_sandbox(database):
    with pytest.raises(Forbidden), database.session() as session:
        submissions.receive(session, vendor("production"), json.dumps(first_report_of_a_person_spending()).encode())

    decided = file(database, vendor("sandbox"), first_report_of_a_person_spending())

    assert decided.status == "accepted", decided.errors
    assert decided.entity_id.startswith("S")
    assert entity(database, decided.entity_id).space == "sandbox"
    assert "entity_registered" not in [event_type for event_type, _ in published(database)]


def test_the_registered_person_spending_shows_publicly_without_its_street(database, token_mint):
    decided = file(database, person(), first_report_of_a_person_spending())
    client = create_app(database=database, verifier=token_mint.verifier).test_client()

    body = client.get(f"/api/filings/v1/entities/{decided.entity_id}").json

    assert (body["name"], body["entity_type"], body["city"]) == (
        "Sierra Outdoor Recreation Council",
        "person_spending_to_influence",
        "Sacramento",
    )
    assert "1 Capitol Mall" not in json.dumps(body) and NOTICES not in json.dumps(body)
