import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from cars_shared.messaging_tables import outbox
from correspondence import handlers
from correspondence.blob_store import sha256_of
from correspondence.models import Correspondence

# A name with accents and a non-Latin script, carried by the events into the letters.
NAME = "Comité Ελπίδα de Peña"


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


def handle(database, blobs, handler, event):
    with database.session() as session:
        return handler(session, event, blobs)


def letters(database):
    with database.session() as session:
        return list(session.scalars(select(Correspondence).order_by(Correspondence.number)))


def queued_kinds(database):
    with database.session() as session:
        return [row.envelope["payload"]["kind"] for row in session.execute(select(outbox.c.envelope)).all()]


def text_of(blobs, correspondence):
    document = blobs.get(correspondence.blob_key)
    assert sha256_of(document) == correspondence.sha256
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages).split())


def test_penalty_assessed_issues_a_penalty_notice_to_the_entity(database, blobs, contract_event):
    event = contract_event("fees", "penalty_assessed", entity_name=NAME)
    letter = handle(database, blobs, handlers.issue_penalty_notice, event)
    assert (letter.kind, letter.entity_id, letter.user_id) == ("penalty_notice", "1400001", None)
    assert letter.template_version == "penalty_notice.v1"
    assert letter.cause == f"fees.penalty_assessed:{event['payload']['entry_id']}"
    text = text_of(blobs, letter)
    for expected in (NAME, "Penalty Notice: Annual Fee 2026", "$150.00", "March 17, 2026", "August 3, 2026"):
        assert expected in text, expected
    assert queued_kinds(database) == ["penalty_notice"]


def test_the_opening_entry_of_a_late_filing_fine_issues_a_notice(database, blobs, contract_event):
    event = contract_event("fees", "fine_assessed", entity_name=NAME)
    letter = handle(database, blobs, handlers.issue_late_filing_notice, event)
    assert (letter.kind, letter.template_version) == ("late_filing_notice", "late_filing_notice.v1")
    text = text_of(blobs, letter)
    for expected in (NAME, "Late Filing Notice and Fine Assessment", "F460", "July 31, 2026", "3 days late", "$30.00"):
        assert expected in text, expected


def test_a_days_accrual_on_an_open_fine_issues_nothing_but_the_final_amount_does(database, blobs, contract_event):
    opening = contract_event("fees", "fine_assessed")
    item_id = opening["payload"]["item_id"]
    accrual = contract_event("fees", "fine_assessed", entry_id="entry-accrual", item_id=item_id, days_late=4)
    final = contract_event(
        "fees", "fine_assessed", entry_id="entry-final", item_id=item_id, days_late=9, fine_cents=9000, final=True
    )
    handle(database, blobs, handlers.issue_late_filing_notice, opening)
    assert handle(database, blobs, handlers.issue_late_filing_notice, accrual) is None
    closing = handle(database, blobs, handlers.issue_late_filing_notice, final)
    assert [letter.kind for letter in letters(database)] == ["late_filing_notice", "late_filing_notice"]
    assert "$90.00" in text_of(blobs, closing) and "final amount" in text_of(blobs, closing)


def test_payment_received_issues_a_receipt_addressed_by_the_name_heard_earlier(database, blobs, contract_event):
    handle(database, blobs, handlers.issue_penalty_notice, contract_event("fees", "penalty_assessed", entity_name=NAME))
    event = contract_event("fees", "payment_received", method="cheque", reference="CHK-10442", balance_cents=10000)
    receipt = handle(database, blobs, handlers.issue_payment_receipt, event)
    assert (receipt.kind, receipt.template_version) == ("payment_receipt", "payment_receipt.v1")
    text = text_of(blobs, receipt)
    for expected in (NAME, "Payment Receipt", "$50.00", "Cheque", "CHK-10442", "$100.00 is still owed"):
        assert expected in text, expected


def test_a_receipt_for_an_entity_never_named_is_addressed_by_its_id(database, blobs, contract_event):
    receipt = handle(database, blobs, handlers.issue_payment_receipt, contract_event("fees", "payment_received"))
    assert "Filer ID 1400001" in text_of(blobs, receipt)


def test_filing_accepted_and_amended_each_issue_a_receipt_of_their_version(database, blobs, contract_event):
    accepted = contract_event("filings", "filing_accepted", entity_id="1400001", entity_name=NAME)
    amended = contract_event("filings", "filing_amended", entity_id="1400001", entity_name=NAME)
    original = handle(database, blobs, handlers.issue_filing_receipt, accepted)
    amendment = handle(database, blobs, handlers.issue_filing_receipt, amended)
    assert (original.title, amendment.title) == ("Filing Receipt: F460", "Filing Receipt: F460 Amendment 1")
    assert original.template_version == amendment.template_version == "filing_receipt.v1"
    original_text, amendment_text = text_of(blobs, original), text_of(blobs, amendment)
    for expected in (NAME, "F460 Recipient Committee Campaign Statement", "July 31, 2026, 10:00 AM PDT", "$1,500.00"):
        assert expected in original_text, expected
    assert "Version 0 (original filing)" in original_text
    assert "Version 1 (amendment replacing version 0)" in amendment_text and "$1,750.00" in amendment_text


def test_fine_waived_issues_a_waiver_decision_with_the_reason(database, blobs, contract_event):
    handle(
        database, blobs, handlers.issue_late_filing_notice, contract_event("fees", "fine_assessed", entity_name=NAME)
    )
    decision = handle(database, blobs, handlers.issue_waiver_decision, contract_event("fees", "fine_waived"))
    assert (decision.kind, decision.template_version) == ("waiver_decision", "waiver_decision.v1")
    text = text_of(blobs, decision)
    for expected in (NAME, "Waiver granted", "$30.00", "Late filing fine: F460", "Treasurer hospitalised"):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("producer", "type_", "handler"),
    [
        ("fees", "penalty_assessed", handlers.issue_penalty_notice),
        ("fees", "fine_assessed", handlers.issue_late_filing_notice),
        ("fees", "payment_received", handlers.issue_payment_receipt),
        ("fees", "fine_waived", handlers.issue_waiver_decision),
        ("filings", "filing_accepted", handlers.issue_filing_receipt),
        ("filings", "filing_amended", handlers.issue_filing_receipt),
    ],
)
def test_the_same_cause_twice_issues_one_letter_and_one_event(
    database, blobs, contract_event, producer, type_, handler
):
    # A second event with a new id but the same cause, as a producer's retry would send.
    first = handle(database, blobs, handler, contract_event(producer, type_))
    again = handle(database, blobs, handler, contract_event(producer, type_))
    assert again.id == first.id
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Correspondence)) == 1
        assert session.scalar(select(func.count()).select_from(outbox)) == 1


def test_a_filing_announced_twice_as_the_same_version_has_one_receipt(database, blobs, contract_event):
    handle(database, blobs, handlers.issue_filing_receipt, contract_event("filings", "filing_accepted", amendment=1))
    handle(database, blobs, handlers.issue_filing_receipt, contract_event("filings", "filing_amended"))
    assert len(letters(database)) == 1


def test_issued_letters_are_never_rendered_again(database, blobs, contract_event, monkeypatch):
    event = contract_event("fees", "penalty_assessed")
    first = handle(database, blobs, handlers.issue_penalty_notice, event)
    document = blobs.get(first.blob_key)

    def refuse(notice):
        raise AssertionError("an issued notice was rendered again")

    monkeypatch.setattr(handlers, "PENALTY_NOTICE", handlers.Template("penalty_notice", "penalty_notice.v2", refuse))
    again = handle(database, blobs, handlers.issue_penalty_notice, event)
    assert (again.template_version, again.sha256) == ("penalty_notice.v1", first.sha256)
    assert blobs.get(first.blob_key) == document


def test_a_new_template_version_applies_to_letters_issued_after_it(database, blobs, contract_event, monkeypatch):
    older = handle(database, blobs, handlers.issue_penalty_notice, contract_event("fees", "penalty_assessed"))
    current = handlers.PENALTY_NOTICE
    monkeypatch.setattr(
        handlers, "PENALTY_NOTICE", handlers.Template(current.kind, "penalty_notice.v2", current.render)
    )
    newer = handle(
        database, blobs, handlers.issue_penalty_notice, contract_event("fees", "penalty_assessed", entry_id="entry-2")
    )
    with database.session() as session:
        versions = {row.id: row.template_version for row in session.scalars(select(Correspondence))}
    assert versions == {older.id: "penalty_notice.v1", newer.id: "penalty_notice.v2"}


def test_events_of_one_new_entity_handled_in_one_transaction_name_it_once(database, blobs, contract_event):
    with database.session() as session:
        handlers.issue_penalty_notice(session, contract_event("fees", "penalty_assessed", entity_name=NAME), blobs)
        handlers.issue_late_filing_notice(session, contract_event("fees", "fine_assessed", entity_name=NAME), blobs)
    with database.session() as session:
        assert handlers.entity_name_of(session, "1400001") == NAME
    assert [letter.kind for letter in letters(database)] == ["penalty_notice", "late_filing_notice"]
