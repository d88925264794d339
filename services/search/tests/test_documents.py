from datetime import UTC, date, datetime
from decimal import Decimal

from search.domain.documents import SearchDocument, entity_document, filing_document, transaction_document


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


FILED = datetime(2026, 7, 31, 17, 0, tzinfo=UTC)


def version_of(**changes):
    return {
        "filing_id": "f-1",
        "entity_id": "1400001",
        "entity_name": "Friends of Example for Assembly",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": 0,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": FILED,
        **changes,
    }


JANE = {
    "date": "2026-03-03",
    "contributor_type": "individual",
    "contributor_name": "Jane Doe",
    "city": "Sacramento",
    "state": "CA",
    "zip": "95814-1234",
    "occupation": "Teacher",
    "employer": "Unified School District",
    "amount": "500.00",
    "cumulative_to_date": "700.00",
    "transaction_id": "A-17",
}


def test_contribution_reads_as_who_gave_how_much_to_whom_and_when():
    document = transaction_document(
        version_of(), "schedule_a", "Schedule A: monetary contributions received", 3, JANE, "recipient_committee"
    )
    assert document.description == (
        "Contribution of $500.00 from Jane Doe, teacher at Unified School District, to Friends of Example for "
        "Assembly on March 3, 2026, reported for January 1 to June 30, 2026 in the Recipient Committee Campaign "
        "Statement (Form 460), Schedule A: monetary contributions received"
    )
    assert document.id == "transaction:f-1:0:schedule_a:3"
    assert (document.kind, document.title, document.name, document.employer, document.occupation) == (
        "transaction",
        "Jane Doe",
        "Jane Doe",
        "Unified School District",
        "Teacher",
    )
    assert (document.city, document.state, document.zip_code) == ("Sacramento", "CA", "95814-1234")
    assert (document.amount, document.transaction_date) == (Decimal("500.00"), date(2026, 3, 3))
    assert document.dated_at == datetime(2026, 3, 3, tzinfo=UTC)
    assert (document.schedule, document.entity_type_name, document.current) == (
        "schedule_a",
        "Recipient Committee",
        True,
    )
    assert {"F460", "Form 460", "A-17", "individual"} <= set(document.keywords)


def test_payment_spells_out_its_code_and_says_who_was_paid():
    values = {"date": "2026-04-02", "payee_name": "Print Shop", "code": "LIT", "description": "Door hangers"}
    document = transaction_document(
        version_of(), "schedule_e", "Schedule E: payments made", 1, {**values, "amount": "1200"}
    )
    assert document.description.startswith(
        "Payment of $1,200.00 by Friends of Example for Assembly to Print Shop for campaign literature and mailings "
        "(Door hangers) on April 2, 2026"
    )
    assert "campaign literature and mailings" in document.keywords


def test_expenditure_on_a_candidate_says_support_or_opposition():
    values = {
        "date": "2026-05-01",
        "candidate_or_measure": "Proposition 1",
        "support_or_oppose": "oppose",
        "amount": "75",
    }
    document = transaction_document(version_of(), "schedule_d", "Schedule D: expenditures", 1, values)
    assert document.description.startswith(
        "Expenditure of $75.00 by Friends of Example for Assembly opposing Proposition 1"
    )


def test_lobbying_payment_without_a_date_is_dated_by_the_filing():
    envelope = version_of(form="F625", form_name="Lobbying Firm Report", entity_name="Capitol Advocates")
    values = {
        "client_name": "Health Plan Association",
        "client_city": "Oakland",
        "client_state": "CA",
        "amount": "9000",
    }
    document = transaction_document(envelope, "payments_received", "Payments received from clients", 2, values)
    assert document.description == (
        "Lobbying payment of $9,000.00 from Health Plan Association to Capitol Advocates, reported for January 1 to "
        "June 30, 2026 in the Lobbying Firm Report (Form 625), payments received from clients"
    )
    assert (document.city, document.transaction_date, document.dated_at) == ("Oakland", None, FILED)


def test_activity_expense_names_who_benefited():
    envelope = version_of(form="F615", form_name="Lobbyist Report", entity_name="Riley Thompson")
    values = {"expense_date": "2026-02-11", "payee_name": "Cafe", "beneficiary_name": "Sen. Example", "amount": "48.50"}
    description = transaction_document(envelope, "activity_expenses", "Activity expenses", 1, values).description
    assert description.startswith(
        "Activity expense of $48.50 by Riley Thompson to Cafe benefiting Sen. Example on February 11, 2026"
    )


def test_parts_that_are_not_transactions_make_no_document():
    values = {"lobbyist_name": "Riley Thompson", "lobbyist_id": "2000031"}
    assert transaction_document(version_of(form="F625"), "lobbyists", "Lobbyists", 1, values) is None
    assert transaction_document(version_of(form="F410"), "controlling_candidates", "Candidates", 1, values) is None


def test_transaction_and_entity_documents_survive_a_round_trip():
    document = transaction_document(version_of(amendment=2), "schedule_a", "Schedule A", 1, JANE)
    assert SearchDocument.from_record(document.to_record()) == document
    entity = entity_document(
        {"entity_id": "1", "name": "B", "entity_type": "lobbyist", "registered_on": date(2026, 1, 2)}, ("A",), 3
    )
    assert SearchDocument.from_record(entity.to_record()) == entity


def test_entity_document_keeps_former_names_and_says_when_it_ended():
    record = {
        "entity_id": "1400001",
        "name": "Friends of Example for Senate",
        "entity_type": "recipient_committee",
        "registered_on": date(2026, 3, 2),
        "terminated_on": date(2027, 1, 15),
        "status": "terminated",
    }
    document = entity_document(record, ("Friends of Example for Assembly",), version=2)
    assert document.description == (
        "Friends of Example for Senate is a recipient committee registered on March 2, 2026 with filer ID 1400001, "
        "terminated on January 15, 2027, formerly Friends of Example for Assembly"
    )
    assert "Friends of Example for Assembly" in document.keywords
    assert (document.status, document.version, document.former_names) == (
        "terminated",
        2,
        ("Friends of Example for Assembly",),
    )
