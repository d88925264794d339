"""Form 603, Lobbyist Employer or Lobbying Coalition Registration Statement."""

import json
from datetime import date

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.public import public_record
from filings.domain.registration import registers, stated_record, termination_date
from filings.examples import example

F603 = form_named("F603")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def as_coalition(document: dict) -> dict:
    document["parts"]["cover"].update(name="Californians for Safe Staffing", registrant_type="lobbying_coalition")
    document["parts"]["coalition_members"] = [
        {"member_name": "Golden State Nurses Association", "member_city": "Sacramento", "member_state": "CA"},
        {"member_name": "Jamie Ortiz", "member_street": "48 Elm Street", "member_city": "Davis", "member_zip": "95616"},
    ]
    return document


def test_the_example_registration_is_accepted_without_warnings():
    checked = check(example("F603"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts == {"in_house_lobbyists": 1, "lobbying_firms": 1, "coalition_members": 0}


def test_an_accepted_603_registers_a_lobbyist_employer():
    checked = check(example("F603"))

    assert registers(F603)
    record = stated_record(F603, checked.records)
    assert (record["name"], record["entity_type"], record["treasurer_name"]) == (
        "Golden State Nurses Association",
        "lobbyist_employer",
        "Dana Brooks",
    )


def test_a_coalition_registers_as_a_lobbying_coalition_and_lists_its_members():
    checked = check(as_coalition(example("F603")))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts["coalition_members"] == 2
    assert stated_record(F603, checked.records)["entity_type"] == "lobbying_coalition"


def test_it_registers_only_as_an_employer_or_a_coalition():
    document = example("F603")
    document["parts"]["cover"]["registrant_type"] = "lobbying_firm"

    assert problems(check(document)) == {("parts.cover.registrant_type", "error")}


def test_what_it_does_and_what_it_lobbies_on_are_required():
    document = example("F603")
    del document["parts"]["cover"]["nature_of_business"]
    document["parts"]["cover"]["lobbying_interests"] = ""

    assert problems(check(document)) == {
        ("parts.cover.nature_of_business", "error"),
        ("parts.cover.lobbying_interests", "error"),
    }


def test_a_coalition_member_without_a_name_is_named_by_its_line():
    document = as_coalition(example("F603"))
    document["parts"]["coalition_members"][1]["member_name"] = " "

    assert problems(check(document)) == {("parts.coalition_members.2.member_name", "error")}


def test_a_hired_firm_is_named_by_a_well_formed_filer_id_and_date():
    document = example("F603")
    document["parts"]["lobbying_firms"][0].update(firm_id="2000 010", hired_on="2026-02-30")

    assert problems(check(document)) == {
        ("parts.lobbying_firms.1.firm_id", "error"),
        ("parts.lobbying_firms.1.hired_on", "error"),
    }


def test_a_date_it_stopped_lobbying_terminates_it_from_that_date():
    document = example("F603")
    document["parts"]["cover"]["ceased_on"] = "2026-12-31"

    checked = check(document)

    assert checked.accepted
    assert termination_date(F603, checked.records) == date(2026, 12, 31)


def test_the_business_address_is_public_but_a_member_street_address_and_the_notice_email_are_not():
    lines = []
    document = as_coalition(example("F603"))
    checked = check_submission(json.dumps(document).encode(), lambda part, number, line: lines.append((part, line)))
    member = [line for part, line in lines if part == "coalition_members"][1]

    cover = public_record(F603, "cover", checked.records["cover"])
    assert cover["street"] == "1415 L Street, Suite 900" and "email" not in cover
    assert public_record(F603, "coalition_members", member) == {
        "member_name": "Jamie Ortiz",
        "member_city": "Davis",
        "member_zip": "95616",
    }
