import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from cars_shared.messaging_tables import metadata as messaging_metadata
from cars_shared.messaging_tables import outbox
from correspondence.access_code_letters import handlers
from correspondence.access_code_letters.models import AccessCodeLetter, AccessCodeLetterDocument, PrintQueueLogEntry
from correspondence.domain.access_code_letter import InvalidMailingDate, LetterRuleBroken
from correspondence.models import Base, Correspondence

# The code the access_code_issued fixture carries unless told otherwise.
ACCESS_CODE = "K7QM-3XWP-9RTD-HV2F"
CLERK = handlers.Clerk("clerk-1", "10.0.0.7")


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


def receive(database, event):
    with database.session() as session:
        return handlers.receive_access_code(session, event)


def document_of(database, letter_id):
    with database.session() as session:
        return session.get(AccessCodeLetterDocument, letter_id)


def text_of(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)


def dump_of_every_table(database) -> str:
    """Every row of every table but the documents one, as text: where the code must never be."""
    tables = [*Base.metadata.sorted_tables, *messaging_metadata.sorted_tables]
    with database.engine.connect() as connection:
        return "\n".join(
            str(row)
            for table in tables
            if table.name != AccessCodeLetterDocument.__tablename__
            for row in connection.execute(select(table))
        )


def test_an_issued_code_queues_one_letter_to_the_address_of_record_with_its_pdf(database, access_code_issued):
    letter = receive(database, access_code_issued())
    assert (letter.status, letter.code_id, letter.entity_id, letter.print_count) == (
        "awaiting_mailing",
        "code-1",
        "1400001",
        0,
    )
    assert letter.mailing_address == {"street": "1500 11th Street", "city": "Sacramento", "state": "CA", "zip": "95814"}
    assert letter.template_version == "entity_access_code_letter.v1"
    assert letter.number.startswith("C-")
    text_in_pdf = text_of(document_of(database, letter.id).pdf)
    assert ACCESS_CODE in text_in_pdf and "Friends of Example" in text_in_pdf and "Sacramento, CA 95814" in text_in_pdf


def test_the_code_is_kept_only_inside_the_pdf_and_goes_into_no_event(database, access_code_issued):
    receive(database, access_code_issued())
    assert ACCESS_CODE not in dump_of_every_table(database)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(outbox)) == 0
        # Not correspondence an account can list or read, either.
        assert session.scalar(select(func.count()).select_from(Correspondence)) == 0


def test_the_same_code_twice_yields_one_letter(database, access_code_issued):
    first = receive(database, access_code_issued())
    again = receive(database, access_code_issued())
    assert again.id == first.id
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AccessCodeLetter)) == 1
        assert session.scalar(select(func.count()).select_from(AccessCodeLetterDocument)) == 1


def test_without_an_address_the_letter_is_recorded_undeliverable_and_keeps_no_code(database, access_code_issued):
    letter = receive(database, access_code_issued(mailing_address=None))
    assert (letter.status, letter.mailing_address, letter.closed_at) == ("undeliverable", None, None)
    assert document_of(database, letter.id) is None
    with database.session() as session:
        assert [found.id for found in handlers.letters(session, "undeliverable", 100)] == [letter.id]


def test_a_newer_code_supersedes_the_entitys_unmailed_letter_and_destroys_its_pdf(database, access_code_issued):
    older = receive(database, access_code_issued(code_id="code-1"))
    newer = receive(database, access_code_issued(code_id="code-2"))
    with database.session() as session:
        older = session.get(AccessCodeLetter, older.id)
        assert (older.status, older.closed_at is not None) == ("superseded", True)
        assert session.get(AccessCodeLetter, newer.id).status == "awaiting_mailing"
    assert document_of(database, older.id) is None
    assert document_of(database, newer.id) is not None


def test_a_newer_code_also_closes_an_undeliverable_letter(database, access_code_issued):
    undeliverable = receive(database, access_code_issued(code_id="code-1", mailing_address=None))
    receive(database, access_code_issued(code_id="code-2"))
    with database.session() as session:
        assert session.get(AccessCodeLetter, undeliverable.id).status == "superseded"


def test_an_older_code_arriving_late_is_superseded_on_arrival(database, access_code_issued):
    older_event = access_code_issued(code_id="code-1")
    newer = receive(database, access_code_issued(code_id="code-2"))
    late = receive(database, older_event)
    assert late.status == "superseded"
    assert document_of(database, late.id) is None
    with database.session() as session:
        assert session.get(AccessCodeLetter, newer.id).status == "awaiting_mailing"


def test_another_entitys_code_leaves_the_letter_alone(database, access_code_issued):
    first = receive(database, access_code_issued(code_id="code-1", entity_id="1400001"))
    receive(database, access_code_issued(code_id="code-2", entity_id="1400002"))
    with database.session() as session:
        assert session.get(AccessCodeLetter, first.id).status == "awaiting_mailing"


def test_a_print_batch_holds_the_letters_in_order_and_logs_who_printed_them(database, access_code_issued):
    first = receive(
        database, access_code_issued(code_id="code-1", entity_id="1400001", access_code="AAAA-BBBB-CCCC-DDDD")
    )
    second = receive(
        database, access_code_issued(code_id="code-2", entity_id="1400002", access_code="EEEE-FFFF-GGGG-HHHH")
    )
    with database.session() as session:
        batch = handlers.print_batch(session, CLERK, [second.id, first.id])
    pages = PdfReader(io.BytesIO(batch)).pages
    assert "EEEE-FFFF-GGGG-HHHH" in pages[0].extract_text() and "AAAA-BBBB-CCCC-DDDD" in pages[1].extract_text()
    with database.session() as session:
        printed = session.get(AccessCodeLetter, first.id)
        assert (printed.print_count, printed.last_printed_by) == (1, "clerk-1")
        log = session.scalars(select(PrintQueueLogEntry).order_by(PrintQueueLogEntry.id)).all()
    assert [(entry.action, entry.letter_id, entry.actor_id, entry.client) for entry in log] == [
        ("printed", second.id, "clerk-1", "10.0.0.7"),
        ("printed", first.id, "clerk-1", "10.0.0.7"),
    ]
    assert log[0].action_id == log[1].action_id


def test_an_unknown_letter_in_a_batch_prints_nothing(database, access_code_issued):
    letter = receive(database, access_code_issued())
    with pytest.raises(handlers.LetterNotFound) as unknown, database.session() as session:
        handlers.print_batch(session, CLERK, [letter.id, "00000000-0000-4000-8000-000000000000"])
    assert unknown.value.field == "letter_ids"
    with database.session() as session:
        assert session.get(AccessCodeLetter, letter.id).print_count == 0
        assert session.scalar(select(func.count()).select_from(PrintQueueLogEntry)) == 0


def test_a_letter_whose_code_expired_is_not_printed(database, access_code_issued):
    letter = receive(database, access_code_issued(expires_on=date.today() + timedelta(days=1)))
    with pytest.raises(LetterRuleBroken, match="expired"), database.session() as session:
        handlers.print_batch(session, CLERK, [letter.id], today=date.today() + timedelta(days=2))


def test_mailing_keeps_the_record_and_destroys_the_pdf(database, access_code_issued):
    letter = receive(database, access_code_issued())
    with database.session() as session:
        handlers.print_batch(session, CLERK, [letter.id])
    with database.session() as session:
        handlers.mark_mailed(session, CLERK, [letter.id])
    assert document_of(database, letter.id) is None
    with database.session() as session:
        mailed = session.get(AccessCodeLetter, letter.id)
        actions = session.scalars(select(PrintQueueLogEntry.action).order_by(PrintQueueLogEntry.id)).all()
    assert (mailed.status, mailed.entity_id, mailed.code_id) == ("mailed", "1400001", "code-1")
    assert (mailed.mailed_on, mailed.mailed_by) == (handlers.office_today(), "clerk-1")
    assert actions == ["printed", "mailed"]


def test_a_letter_is_not_marked_mailed_before_it_was_printed(database, access_code_issued):
    letter = receive(database, access_code_issued())
    with pytest.raises(LetterRuleBroken, match="not been printed"), database.session() as session:
        handlers.mark_mailed(session, CLERK, [letter.id])
    assert document_of(database, letter.id) is not None


def test_a_mailing_day_in_the_future_is_refused(database, access_code_issued):
    letter = receive(database, access_code_issued())
    with database.session() as session:
        handlers.print_batch(session, CLERK, [letter.id])
    with pytest.raises(InvalidMailingDate), database.session() as session:
        handlers.mark_mailed(session, CLERK, [letter.id], mailed_on=handlers.office_today() + timedelta(days=1))


def test_letters_whose_code_expired_unmailed_leave_the_queue_without_their_pdf(database, access_code_issued):
    expiring = receive(database, access_code_issued(code_id="code-1", entity_id="1400001", expires_on=date.today()))
    lasting = receive(database, access_code_issued(code_id="code-2", entity_id="1400002"))
    with database.session() as session:
        assert handlers.expire_letters(session, today=date.today()) == 0
    with database.session() as session:
        assert handlers.expire_letters(session, today=date.today() + timedelta(days=1)) == 1
    assert document_of(database, expiring.id) is None
    assert document_of(database, lasting.id) is not None
    with database.session() as session:
        assert session.get(AccessCodeLetter, expiring.id).status == "expired"


def test_staff_resolve_an_undeliverable_letter_with_what_they_did(database, access_code_issued):
    letter = receive(database, access_code_issued(mailing_address=None))
    with database.session() as session:
        handlers.resolve_undeliverable(session, CLERK, letter.id, "Address corrected in filings; new code requested.")
    with database.session() as session:
        resolved = session.get(AccessCodeLetter, letter.id)
        entry = session.scalar(select(PrintQueueLogEntry))
    assert (resolved.status, resolved.resolved_by) == ("resolved", "clerk-1")
    assert resolved.resolution == "Address corrected in filings; new code requested."
    assert (entry.action, entry.note) == ("resolved", resolved.resolution)


def test_the_print_queue_log_cannot_be_changed_or_erased(database, access_code_issued):
    letter = receive(database, access_code_issued())
    with database.session() as session:
        handlers.print_batch(session, CLERK, [letter.id])
    for statement in (update(PrintQueueLogEntry).values(actor_id="someone-else"), text("DELETE FROM print_queue_log")):
        with pytest.raises(DBAPIError, match="append-only"), database.session() as session:
            session.execute(statement)
