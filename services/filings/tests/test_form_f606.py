"""Form 606, Notice of Termination: a lobbyist, firm, employer or coalition ends its registration."""

import json
from datetime import date

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.registration import registers, termination_date
from filings.examples import example

F606 = form_named("F606")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_notice_is_accepted_without_warnings():
    checked = check(example("F606"))

    assert checked.accepted and not checked.warnings


def test_an_accepted_notice_terminates_the_registrant_from_the_date_lobbying_stopped():
    checked = check(example("F606"))

    assert not registers(F606)
    assert termination_date(F606, checked.records) == date(2026, 6, 30)


def test_every_kind_of_lobbying_registrant_may_terminate():
    assert set(F606.entity_types) == {"lobbyist", "lobbying_firm", "lobbyist_employer", "lobbying_coalition"}


def test_the_notice_names_the_registrant_it_terminates():
    document = example("F606")
    document["entity_id"] = None

    assert problems(check(document)) == {("entity_id", "error")}


def test_the_date_lobbying_stopped_is_required_and_must_be_a_date():
    missing = example("F606")
    del missing["parts"]["cover"]["terminated_on"]
    malformed = example("F606")
    malformed["parts"]["cover"]["terminated_on"] = "end of June"

    assert problems(check(missing)) == {("parts.cover.terminated_on", "error")}
    assert problems(check(malformed)) == {("parts.cover.terminated_on", "error")}
