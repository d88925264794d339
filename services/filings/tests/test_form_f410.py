"""Form 410, Statement of Organization: registering, amending and terminating a recipient committee."""

import json

import pytest

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.declaration import EntityEffect, FieldRef, FormKind
from filings.examples import example

ERROR = "error"
F410 = form_named("F410")
AMENDS = {"filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f", "amendment": 0}


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_form_410_registers_a_committee_and_has_no_period():
    assert F410.kind is FormKind.REGISTRATION and F410.effect is EntityEffect.REGISTERS
    assert not F410.has_period
    assert set(F410.entity_types) == {"recipient_committee", "primarily_formed_committee", "general_purpose_committee"}


def test_the_entity_record_comes_from_the_committee_and_its_treasurer():
    assert F410.entity_fields == {
        "name": FieldRef("committee", "name"),
        "entity_type": FieldRef("committee", "committee_type"),
        "street": FieldRef("committee", "street"),
        "city": FieldRef("committee", "city"),
        "state": FieldRef("committee", "state"),
        "zip": FieldRef("committee", "zip"),
        "email": FieldRef("committee", "email"),
        "treasurer_name": FieldRef("treasurer", "name"),
    }
    assert F410.terminates == FieldRef("committee", "termination_date")


def test_the_example_registration_is_accepted_and_creates_its_committee():
    checked = check(example("F410"))

    assert checked.accepted and not checked.warnings
    assert checked.envelope.creates_entity and checked.envelope.entity_id is None
    assert checked.records["committee"]["name"] == "Friends of Dana Whitfield for Assembly 2026"
    assert checked.records["treasurer"]["name"] == "Terry Okafor"
    assert checked.line_counts == {"controlling_candidates": 1, "primarily_formed_for": 0}
    assert checked.totals == {}


@pytest.mark.parametrize(
    "committee_type", ["recipient_committee", "primarily_formed_committee", "general_purpose_committee"]
)
def test_each_committee_type_may_register(committee_type):
    document = example("F410")
    document["parts"]["committee"]["committee_type"] = committee_type

    assert check(document).accepted


def test_a_committee_type_outside_the_three_is_an_error():
    document = example("F410")
    document["parts"]["committee"]["committee_type"] = "lobbying_firm"

    assert problems(check(document)) == {("parts.committee.committee_type", ERROR)}


@pytest.mark.parametrize(
    ("part", "field"),
    [
        ("committee", "name"),
        ("committee", "street"),
        ("committee", "zip"),
        ("committee", "email"),
        ("treasurer", "name"),
        ("bank", "bank_name"),
    ],
)
def test_the_committee_its_treasurer_and_its_bank_are_required(part, field):
    document = example("F410")
    del document["parts"][part][field]

    assert problems(check(document)) == {(f"parts.{part}.{field}", ERROR)}


def test_every_part_with_the_committees_record_is_required():
    document = example("F410")
    for part in ("committee", "treasurer", "bank"):
        del document["parts"][part]

    assert problems(check(document)) == {("parts.committee", ERROR), ("parts.treasurer", ERROR), ("parts.bank", ERROR)}


def test_an_email_address_must_look_like_one():
    document = example("F410")
    document["parts"]["committee"]["email"] = "treasurer at example.org"

    assert problems(check(document)) == {("parts.committee.email", ERROR)}


def test_a_new_registration_carries_no_filer_id():
    document = example("F410")
    document["entity_id"] = "2000001"

    assert problems(check(document)) == {("entity_id", ERROR)}


def test_an_amendment_names_its_committee():
    document = example("F410")
    document["amends"] = AMENDS
    assert problems(check(document)) == {("entity_id", ERROR)}

    document["entity_id"] = "2000001"
    checked = check(document)
    assert checked.accepted and not checked.envelope.creates_entity


def test_a_registration_covers_no_period():
    document = example("F410")
    document["period"] = {"start": "2026-01-01", "end": "2026-06-30"}

    assert problems(check(document)) == {("period", ERROR)}


def test_a_termination_is_an_amendment_with_the_termination_date():
    document = example("F410")
    document["entity_id"], document["amends"] = "2000001", AMENDS
    document["parts"]["committee"]["termination_date"] = "2026-12-31"

    checked = check(document)

    assert checked.accepted
    assert checked.records["committee"]["termination_date"] == "2026-12-31"


def test_a_termination_date_must_be_a_date():
    document = example("F410")
    document["parts"]["committee"]["termination_date"] = "end of year"

    assert problems(check(document)) == {("parts.committee.termination_date", ERROR)}


def test_no_more_than_twenty_controlling_candidates():
    document = example("F410")
    document["parts"]["controlling_candidates"] *= 21

    assert problems(check(document)) == {("parts.controlling_candidates", ERROR)}


def test_a_primarily_formed_committee_names_whom_it_supports_or_opposes():
    document = example("F410")
    document["parts"]["committee"]["committee_type"] = "primarily_formed_committee"
    document["parts"]["primarily_formed_for"] = [
        {"candidate_or_measure": "Measure B", "office_or_measure_number": "B", "support_or_oppose": "support"},
        {"candidate_or_measure": "Measure C"},
    ]

    assert problems(check(document)) == {("parts.primarily_formed_for.2.support_or_oppose", ERROR)}
