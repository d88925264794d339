"""The public view: only what a form's declaration marks public leaves the service."""

import json

from filings.checking import check_submission
from filings.domain.forms.declaration import (
    FieldRef,
    FieldSpec,
    FieldType,
    FormDeclaration,
    FormKind,
    PartKind,
    PartSpec,
)
from filings.domain.forms.public import is_public_part, public_entity_fields, public_record, public_records
from filings.examples import example


def lines_of(code: str) -> list[tuple[str, dict]]:
    """The cleaned lines of an example, as the checker hands them on for storage."""
    handed = []
    check_submission(json.dumps(example(code)).encode(), lambda part, number, line: handed.append((part, line)))
    return handed


def records_of(code: str) -> dict[str, dict]:
    return check_submission(json.dumps(example(code)).encode()).records


def test_an_individual_contributors_street_address_is_not_public_but_their_city_is():
    individual = example("F460")["parts"]["schedule_a"][0]

    public = public_record("F460", "schedule_a", individual)

    assert "street" not in public
    assert public["city"] == "Sacramento" and public["zip"] == "95816"
    assert public["contributor_name"] == "Maria Lopez" and public["employer"] == "UC Davis Health"


def test_a_committee_contributors_street_address_is_public():
    committee = example("F460")["parts"]["schedule_a"][2]

    assert public_record("F460", "schedule_a", committee)["street"] == "1425 K Street"


def test_a_street_address_of_a_contributor_of_unstated_type_is_not_public():
    line = {"contributor_name": "Pat Donor", "street": "1 Main Street", "city": "Sacramento", "amount": "150.00"}

    assert "street" not in public_record("F460", "schedule_a", line)


def test_an_individual_lenders_street_address_is_not_public():
    lender = example("F460")["parts"]["schedule_b"][0]

    assert "street" not in public_record("F460", "schedule_b", lender)
    assert public_record("F460", "schedule_b", lender)["lender_name"] == "Dana Whitfield"


def test_no_stored_line_of_the_example_statement_shows_an_individuals_street_in_public():
    for part, line in lines_of("F460"):
        individual = line.get("contributor_type", line.get("lender_type")) == "individual"
        if individual:
            assert "street" not in public_record("F460", part, line)


def test_the_bank_account_number_and_the_treasurers_telephone_and_email_are_not_public():
    public = public_records("F410", records_of("F410"))

    assert "account_number" not in public["bank"]
    assert public["bank"]["bank_name"] == "Golden 1 Credit Union"
    assert "phone" not in public["treasurer"] and "email" not in public["treasurer"]
    assert public["treasurer"]["name"] == "Terry Okafor"
    assert public["committee"]["email"] == "treasurer@whitfieldforassembly.org"


def test_fields_the_declaration_does_not_know_are_never_public():
    line = {**example("F460")["parts"]["schedule_e"][0], "internal_note": "call back"}

    assert "internal_note" not in public_record("F460", "schedule_e", line)


def test_an_unknown_part_is_not_public():
    assert not is_public_part("F460", "schedule_z")
    assert public_record("F460", "schedule_z", {"amount": "1.00"}) == {}
    assert public_records("F460", {"schedule_z": {"amount": "1.00"}}) == {}


def test_a_part_declared_private_is_left_out_whole():
    form = FormDeclaration(
        "F999",
        "Test form",
        FormKind.REPORT,
        parts=(
            PartSpec("cover", "Cover", PartKind.RECORD, (FieldSpec("name", "Name"),)),
            PartSpec(
                "bank", "Bank", PartKind.RECORD, (FieldSpec("balance", "Balance", FieldType.AMOUNT),), public=False
            ),
        ),
    )

    assert is_public_part(form, "cover") and not is_public_part(form, "bank")
    assert public_record(form, "bank", {"balance": "10.00"}) == {}
    assert public_records(form, {"cover": {"name": "A"}, "bank": {"balance": "10.00"}}) == {"cover": {"name": "A"}}


def test_every_part_of_the_campaign_forms_is_public_with_its_private_fields_removed():
    for code in ("F410", "F460", "F497"):
        for part in example(code)["parts"]:
            assert is_public_part(code, part)


def test_the_entity_fields_of_a_committee_registration_are_all_public():
    assert public_entity_fields("F410") == {
        "name",
        "entity_type",
        "street",
        "city",
        "state",
        "zip",
        "email",
        "treasurer_name",
    }


def test_an_entity_field_taken_from_a_private_field_is_not_public():
    form = FormDeclaration(
        "F998",
        "Test registration",
        FormKind.REGISTRATION,
        parts=(
            PartSpec(
                "person",
                "Person",
                PartKind.RECORD,
                (FieldSpec("name", "Name"), FieldSpec("email", "Email for notices", FieldType.EMAIL, public=False)),
            ),
        ),
        entity_fields={
            "name": FieldRef("person", "name"),
            "email": FieldRef("person", "email"),
        },
    )

    assert public_entity_fields(form) == {"name"}
