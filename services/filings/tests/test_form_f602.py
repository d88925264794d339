"""Form 602, Lobbying Firm Activity Authorization: a client authorizes a registered firm to lobby for it."""

import json

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.registration import registers, termination_date
from filings.examples import example

F602 = form_named("F602")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_authorization_is_accepted_without_warnings():
    checked = check(example("F602"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts == {"authorizations": 1}
    assert checked.envelope is not None and checked.envelope.entity_id == "2000010"


def test_an_authorization_is_filed_by_the_firm_and_changes_no_entity():
    checked = check(example("F602"))

    assert F602.entity_types == ("lobbying_firm",)
    assert not registers(F602)
    assert checked.envelope is not None and not checked.envelope.creates_entity
    assert termination_date(F602, checked.records) is None


def test_the_firm_filing_the_authorization_is_named():
    document = example("F602")
    del document["entity_id"]

    assert problems(check(document)) == {("entity_id", "error")}


def test_an_authorization_names_at_least_one_client():
    document = example("F602")
    document["parts"]["authorizations"] = []

    assert problems(check(document)) == {("parts.authorizations", "error")}


def test_each_client_states_who_signed_when_and_what_it_lobbies_on():
    document = example("F602")
    client = document["parts"]["authorizations"][0]
    del client["authorized_on"]
    client["authorized_by"] = ""
    client["lobbying_interests"] = None

    assert problems(check(document)) == {
        ("parts.authorizations.1.authorized_on", "error"),
        ("parts.authorizations.1.authorized_by", "error"),
        ("parts.authorizations.1.lobbying_interests", "error"),
    }


def test_a_subcontracting_firm_is_named_by_a_well_formed_filer_id():
    document = example("F602")
    client = document["parts"]["authorizations"][0]
    client.update(subcontracting_firm_name="Delta Policy Group", subcontracting_firm_id="2000-099")

    assert problems(check(document)) == {("parts.authorizations.1.subcontracting_firm_id", "error")}


def test_a_registration_covers_no_period():
    document = example("F602")
    document["period"] = {"start": "2026-01-01", "end": "2026-03-31"}

    assert problems(check(document)) == {("period", "error")}
