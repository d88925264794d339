"""Form 604, Lobbyist Certification Statement: certifies an individual lobbyist and the ethics course taken."""

import json

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.public import public_record
from filings.domain.registration import public_entity_fields, registers, stated_record
from filings.examples import example

F604 = form_named("F604")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_certification_is_accepted_without_warnings():
    checked = check(example("F604"))

    assert checked.accepted and not checked.warnings
    assert checked.records["cover"]["ethics_course_completed_on"] == "2025-12-04"


def test_an_accepted_604_registers_the_lobbyist():
    checked = check(example("F604"))

    assert registers(F604)
    assert stated_record(F604, checked.records) == {
        "name": "Riley Thompson",
        "entity_type": "lobbyist",
        "street": "1415 L Street, Suite 900",
        "city": "Sacramento",
        "state": "CA",
        "zip": "95814",
        "email": "rthompson@gsna.example",
    }


def test_the_public_never_sees_a_lobbyist_street_address_or_email():
    assert public_entity_fields("lobbyist") == {"name", "entity_type", "city", "state", "zip"}


def test_the_public_view_of_the_certification_leaves_out_the_lobbyist_contact_details():
    checked = check(example("F604"))

    public = public_record(F604, "cover", checked.records["cover"])

    assert not {"street", "phone", "email"} & set(public)
    assert public["lobbyist_name"] == "Riley Thompson"
    assert public["employer_id"] == "2000030"
    assert public["ethics_course_completed_on"] == "2025-12-04"


def test_the_ethics_course_date_and_the_employer_filer_id_are_required():
    document = example("F604")
    del document["parts"]["cover"]["ethics_course_completed_on"]
    document["parts"]["cover"]["employer_id"] = None

    assert problems(check(document)) == {
        ("parts.cover.ethics_course_completed_on", "error"),
        ("parts.cover.employer_id", "error"),
    }


def test_dates_filer_ids_and_yes_or_no_answers_must_be_well_formed():
    document = example("F604")
    document["parts"]["cover"].update(
        ethics_course_completed_on="December 4, 2025", employer_id="GSNA-30", placement_agent="no"
    )

    assert problems(check(document)) == {
        ("parts.cover.ethics_course_completed_on", "error"),
        ("parts.cover.employer_id", "error"),
        ("parts.cover.placement_agent", "error"),
    }


def test_a_certification_without_its_cover_is_refused():
    document = example("F604")
    document["parts"] = {}

    assert problems(check(document)) == {("parts.cover", "error")}


def test_the_lobbyist_signs_the_certification():
    document = example("F604")
    document["verification"]["agrees"] = False

    assert problems(check(document)) == {("verification.agrees", "error")}
