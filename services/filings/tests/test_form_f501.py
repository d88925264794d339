"""Form 501, Candidate Intention Statement: registers a candidate for an office."""

import json

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.declaration import EntityEffect, FormKind
from filings.domain.forms.public import public_record
from filings.examples import example

ERROR = "error"
F501 = form_named("F501")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_form_501_registers_a_candidate_without_a_period():
    assert F501.kind is FormKind.REGISTRATION and F501.effect is EntityEffect.REGISTERS
    assert F501.entity_types == ("candidate",) and not F501.has_period
    assert set(F501.entity_fields) == {"name", "street", "city", "state", "zip", "email"}


def test_the_example_statement_is_accepted_and_creates_the_candidate():
    checked = check(example("F501"))

    assert checked.accepted and not checked.warnings
    assert checked.envelope.creates_entity
    assert checked.records["office"] == {
        "office_sought": "Member of the State Assembly",
        "district": "7",
        "jurisdiction": "State of California",
        "election_year": 2026,
        "election_date": "2026-06-02",
        "expenditure_ceiling": "accepts",
    }


def test_the_office_sought_and_election_year_are_required():
    document = example("F501")
    del document["parts"]["office"]["office_sought"], document["parts"]["office"]["election_year"]

    assert problems(check(document)) == {("parts.office.office_sought", ERROR), ("parts.office.election_year", ERROR)}


def test_the_election_year_is_a_whole_number():
    document = example("F501")
    document["parts"]["office"]["election_year"] = "2026"

    checked = check(document)

    assert problems(checked) == {("parts.office.election_year", ERROR)}
    assert checked.errors[0].message == "Must be a whole number."


def test_the_expenditure_ceiling_is_accepted_or_not():
    document = example("F501")
    document["parts"]["office"]["expenditure_ceiling"] = "maybe"

    assert problems(check(document)) == {("parts.office.expenditure_ceiling", ERROR)}


def test_a_new_candidate_carries_no_filer_id_and_no_period():
    document = example("F501")
    document["entity_id"] = "2000001"
    document["period"] = {"start": "2026-01-01", "end": "2026-06-30"}

    assert problems(check(document)) == {("entity_id", ERROR), ("period", ERROR)}


def test_the_candidates_telephone_is_not_public():
    checked = check(example("F501"))

    assert "phone" in checked.records["candidate"]
    assert "phone" not in public_record(F501, "candidate", checked.records["candidate"])
