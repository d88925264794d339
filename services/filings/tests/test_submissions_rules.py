from datetime import date

from filings.domain.forms import FORMS
from filings.domain.forms.declaration import (
    EntityEffect,
    FieldRef,
    FieldSpec,
    FormDeclaration,
    FormKind,
    PartKind,
    PartSpec,
)
from filings.domain.intake import (
    amendment_problem,
    form_entity_problem,
    next_amendment,
    person_signer_problem,
    sandbox_entity_id,
    vendor_signer_problem,
)
from filings.domain.registration import (
    changed_fields,
    public_entity_fields,
    stated_record,
    termination_date,
)

REGISTRATION = FormDeclaration(
    "F999",
    "Example Registration",
    FormKind.REGISTRATION,
    entity_types=("lobbyist",),
    effect=EntityEffect.REGISTERS,
    parts=(
        PartSpec(
            "cover",
            "Registrant",
            PartKind.RECORD,
            (
                FieldSpec("full_name", "Name"),
                FieldSpec("home_street", "Home street", public=False),
                FieldSpec("city", "City"),
                FieldSpec("ended_on", "Ended on"),
            ),
        ),
    ),
    entity_fields={
        "name": FieldRef("cover", "full_name"),
        "street": FieldRef("cover", "home_street"),
        "city": FieldRef("cover", "city"),
    },
    terminates=FieldRef("cover", "ended_on"),
)


def amendment(**changes):
    facts = {
        "latest": 1,
        "amends": 1,
        "filing_entity_id": "2000001",
        "filing_form": "F460",
        "entity_id": "2000001",
        "form": "F460",
    }
    return amendment_problem(**{**facts, **changes})


def test_an_amendment_of_the_current_version_of_the_same_entitys_filing_of_the_same_form_is_in_order():
    assert amendment() is None
    assert next_amendment(1) == 2


def test_an_amendment_of_a_replaced_version_is_refused_naming_the_current_one():
    path, message = amendment(latest=2)
    assert (path, "current version is 2" in message) == ("amends.amendment", True)


def test_an_amendment_of_an_unknown_filing_another_entitys_or_another_form_is_refused():
    assert amendment(latest=None) == ("amends.filing_id", "No filing has this ID.")
    assert "another entity" in amendment(filing_entity_id="2000002", latest=3)[1]
    assert amendment(filing_form="F410")[0] == "amends.filing_id"


def test_a_person_signs_their_own_filings():
    assert person_signer_problem("user-1", "user-1") is None
    assert person_signer_problem("user-2", "user-1") is not None


def test_a_vendors_signer_must_be_an_officer_or_agent_of_the_entity():
    assert vendor_signer_problem("user-1", "2000001", "officer") is None
    assert vendor_signer_problem("user-1", "2000001", "agent") is None
    assert "not an officer or agent" in vendor_signer_problem("user-1", "2000001", "viewer")
    assert vendor_signer_problem("user-1", "2000001", None) is not None


def test_a_form_is_filed_only_by_the_entity_types_it_declares():
    assert form_entity_problem("F615", ("lobbyist",), "lobbyist") is None
    assert form_entity_problem("F615", ("lobbyist",), "recipient_committee") == (
        "Form F615 is not filed by a recipient committee."
    )
    assert form_entity_problem("F999", (), "lobbyist") is None


def test_sandbox_entity_ids_start_with_s_and_never_look_like_filer_ids():
    assert sandbox_entity_id(1) == "S0000001"
    assert sandbox_entity_id(1234567) == "S1234567"


def test_a_registration_states_the_entity_record_and_implies_its_only_entity_type():
    records = {"cover": {"full_name": "Riley Thompson", "home_street": "1 Elm St", "city": "Davis"}}
    assert stated_record(REGISTRATION, records) == {
        "name": "Riley Thompson",
        "street": "1 Elm St",
        "city": "Davis",
        "entity_type": "lobbyist",
    }


def test_changed_fields_name_only_what_the_amendment_changes():
    current = {"name": "Riley Thompson", "street": "1 Elm St", "city": "Davis", "entity_type": "lobbyist"}
    stated = {**current, "city": "Sacramento", "street": None}
    assert changed_fields(current, stated) == ["street", "city"]
    assert changed_fields(current, current) == []


def test_a_filled_in_termination_date_ends_the_entity():
    assert termination_date(REGISTRATION, {"cover": {"ended_on": "2026-04-30"}}) == date(2026, 4, 30)
    assert termination_date(REGISTRATION, {"cover": {"ended_on": None}}) is None
    assert termination_date(FORMS["F460"], {}) is None


def test_the_public_entity_record_leaves_out_what_a_registering_form_keeps_private():
    shown = public_entity_fields("lobbyist", {"F999": REGISTRATION})
    assert shown == {"name", "entity_type", "city"}


def test_an_entity_type_no_form_registers_shows_only_its_name_and_type():
    assert public_entity_fields("legacy_type", {"F999": REGISTRATION}) == {"name", "entity_type"}
