"""Form 607, Notice of Withdrawal: a firm or lobbyist that never qualified withdraws its registration."""

import json
from datetime import date

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.registration import registers, termination_date
from filings.examples import example

F607 = form_named("F607")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_withdrawal_is_accepted_without_warnings():
    checked = check(example("F607"))

    assert checked.accepted and not checked.warnings


def test_an_accepted_withdrawal_ends_the_registration_from_its_date():
    checked = check(example("F607"))

    assert not registers(F607)
    assert F607.entity_types == ("lobbyist", "lobbying_firm")
    assert termination_date(F607, checked.records) == date(2026, 3, 20)


def test_the_withdrawal_date_and_the_registrant_name_are_required():
    document = example("F607")
    cover = document["parts"]["cover"]
    del cover["withdrawn_on"]
    cover["registrant_name"] = ""

    assert problems(check(document)) == {
        ("parts.cover.withdrawn_on", "error"),
        ("parts.cover.registrant_name", "error"),
    }


def test_the_reason_is_kept_to_a_paragraph():
    document = example("F607")
    document["parts"]["cover"]["reason"] = "The client did not retain the firm. " * 20

    assert problems(check(document)) == {("parts.cover.reason", "error")}


def test_a_withdrawal_is_signed():
    document = example("F607")
    del document["verification"]

    assert problems(check(document)) == {("verification", "error")}
