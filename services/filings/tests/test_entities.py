from filings.domain.entities import COMMITTEE_TYPES, FIRST_ENTITY_ID, REGISTRANT_ROLE, EntityType, may_file


def test_officers_and_agents_may_file_viewers_and_strangers_may_not():
    assert may_file("officer") and may_file("agent")
    assert not may_file("viewer")
    assert not may_file(None)


def test_the_registering_user_may_file_for_the_new_entity():
    assert may_file(REGISTRANT_ROLE)


def test_form_410_registers_the_three_recipient_committee_types():
    assert {t.value for t in COMMITTEE_TYPES} == {
        "recipient_committee",
        "primarily_formed_committee",
        "general_purpose_committee",
    }
    assert EntityType.LOBBYIST_EMPLOYER not in COMMITTEE_TYPES


def test_new_entity_ids_start_above_the_legacy_filer_ids():
    assert FIRST_ENTITY_ID == 2_000_000
