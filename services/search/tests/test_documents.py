from datetime import UTC, date, datetime
from decimal import Decimal

from search.domain.documents import SearchDocument, entity_document, filing_document


def test_filing_description_says_form_filer_period_and_contributions(filing_accepted):
    document = filing_document(filing_accepted()["payload"])
    assert document.description == (
        "Recipient Committee Campaign Statement filed by Friends of Example for January 1 to June 30, 2026, "
        "reporting $1,500.00 in contributions"
    )


def test_filing_document_is_keyed_by_filing_id_and_carries_its_facts(filing_accepted):
    document = filing_document(filing_accepted()["payload"])
    assert document.id == "filing:b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"
    assert (document.kind, document.entity_id, document.entity_name) == ("filing", "1400001", "Friends of Example")
    assert (document.form, document.form_name) == ("F460", "Recipient Committee Campaign Statement")
    assert (document.period_start, document.period_end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert document.filed_at == datetime(2026, 7, 31, 17, 0, tzinfo=UTC)
    assert document.totals == {"contributions_received": Decimal("1500.00")}
    assert document.title == "Friends of Example: Recipient Committee Campaign Statement"


def test_filing_with_several_totals_lists_them_all(filing_accepted):
    event = filing_accepted(totals={"contributions_received": Decimal("1500"), "expenditures_made": Decimal("250")})
    assert filing_document(event["payload"]).description.endswith(
        "reporting $1,500.00 in contributions and $250.00 in expenditures"
    )


def test_amendment_is_named_and_versions_the_document(filing_accepted):
    document = filing_document(filing_accepted(amendment=2)["payload"])
    assert document.version == 2
    assert document.description.startswith(
        "Recipient Committee Campaign Statement (amendment 2) filed by Friends of Example"
    )
    assert document.title.endswith(", amendment 2")


def test_filing_without_period_or_totals_still_reads_as_a_sentence(filing_accepted):
    event = filing_accepted(
        form="F497", form_name="24-Hour Contribution Report", period_start=None, period_end=None, totals={}
    )
    assert filing_document(event["payload"]).description == "24-Hour Contribution Report filed by Friends of Example"


def test_entity_document_spells_out_type_and_registration_date(entity_registered):
    document = entity_document(entity_registered()["payload"])
    assert document.id == "entity:1400001"
    assert document.kind == "entity"
    assert (document.title, document.entity_type_name) == ("Friends of Example", "Recipient Committee")
    assert document.registered_on == date(2026, 3, 2)
    assert document.description == (
        "Friends of Example is a recipient committee registered on March 2, 2026 with filer ID 1400001"
    )


def test_entity_type_starting_with_a_vowel_takes_an(entity_registered):
    event = entity_registered(name="Example Coalition", entity_type="independent_expenditure_committee")
    assert " is an independent expenditure committee " in entity_document(event["payload"]).description


def test_documents_survive_a_round_trip_through_their_record(filing_accepted, entity_registered):
    for document in (filing_document(filing_accepted()["payload"]), entity_document(entity_registered()["payload"])):
        assert SearchDocument.from_record(document.to_record()) == document
