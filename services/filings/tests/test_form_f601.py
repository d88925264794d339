"""Form 601, Lobbying Firm Registration Statement: registers a lobbying firm, its lobbyists and clients."""

import json
from datetime import date

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.public import public_record
from filings.domain.registration import public_entity_fields, registers, stated_record, termination_date
from filings.examples import example

F601 = form_named("F601")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_registration_is_accepted_without_warnings():
    checked = check(example("F601"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts == {"partners": 2, "lobbyists": 2, "clients": 2}


def test_an_accepted_601_registers_a_lobbying_firm_with_its_responsible_officer():
    checked = check(example("F601"))

    assert registers(F601)
    assert stated_record(F601, checked.records) == {
        "name": "Capitol Advocacy Partners LLP",
        "entity_type": "lobbying_firm",
        "street": "1020 11th Street, Suite 300",
        "city": "Sacramento",
        "state": "CA",
        "zip": "95814",
        "email": "filings@capitoladvocacy.example",
        "treasurer_name": "Avery Morgan",
    }
    assert termination_date(F601, checked.records) is None


def test_the_firm_business_address_is_public_and_its_notice_email_is_not():
    assert public_entity_fields("lobbying_firm") >= {"name", "street", "city", "state", "zip"}
    assert "email" not in public_entity_fields("lobbying_firm")


def test_the_public_view_of_a_client_leaves_out_its_street_address_and_telephone():
    lines = []
    check_submission(json.dumps(example("F601")).encode(), lambda part, number, line: lines.append((part, line)))
    client = next(line for part, line in lines if part == "clients")

    public = public_record(F601, "clients", client)

    assert not {"client_street", "client_phone"} & set(public)
    assert (public["client_name"], public["client_city"]) == ("Central Valley Water Agency", "Fresno")


def test_a_date_the_firm_stopped_lobbying_terminates_it_from_that_date():
    document = example("F601")
    document["parts"]["cover"]["ceased_on"] = "2026-09-30"

    checked = check(document)

    assert checked.accepted
    assert termination_date(F601, checked.records) == date(2026, 9, 30)


def test_the_original_registration_creates_the_firm_so_it_names_no_filer_id():
    document = example("F601")
    document["entity_id"] = "2000010"

    assert problems(check(document)) == {("entity_id", "error")}


def test_the_firm_name_session_and_responsible_officer_are_required():
    document = example("F601")
    cover = document["parts"]["cover"]
    del cover["firm_name"]
    cover["legislative_session"] = "  "
    cover["responsible_officer_name"] = None

    assert problems(check(document)) == {
        ("parts.cover.firm_name", "error"),
        ("parts.cover.legislative_session", "error"),
        ("parts.cover.responsible_officer_name", "error"),
    }


def test_a_firm_lists_at_least_one_lobbyist():
    document = example("F601")
    document["parts"]["lobbyists"] = []

    checked = check(document)

    assert problems(checked) == {("parts.lobbyists", "error")}
    assert "Lobbyists of the firm is required." in [problem.message for problem in checked.errors]


def test_a_client_without_a_name_is_named_by_its_line():
    document = example("F601")
    document["parts"]["clients"][1]["client_name"] = ""

    assert problems(check(document)) == {("parts.clients.2.client_name", "error")}


def test_state_zip_email_and_dates_must_be_well_formed():
    document = example("F601")
    cover = document["parts"]["cover"]
    cover.update(state="California", zip="958", email="filings at capitoladvocacy", qualified_on="01/12/2026")

    assert problems(check(document)) == {
        ("parts.cover.state", "error"),
        ("parts.cover.zip", "error"),
        ("parts.cover.email", "error"),
        ("parts.cover.qualified_on", "error"),
    }


def test_a_field_the_form_does_not_have_is_refused():
    document = example("F601")
    document["parts"]["cover"]["treasurer_name"] = "Avery Morgan"

    assert problems(check(document)) == {("parts.cover.treasurer_name", "error")}
