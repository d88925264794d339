import io

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pypdf import PdfReader
from sqlalchemy import func, select

import correspondence.access_code_letters.models  # noqa: F401 - the print queue tables are compared too
from cars_shared.messaging_tables import metadata as messaging_metadata
from cars_shared.messaging_tables import outbox
from correspondence import handlers
from correspondence.blob_store import sha256_of
from correspondence.models import Base, Correspondence, EntityAccess


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


def issue(database, blobs, event):
    with database.session() as session:
        return handlers.issue_annual_fee_notice(session, event, blobs)


def test_fee_assessed_issues_one_notice_with_its_pdf_and_queues_correspondence_issued(database, blobs, fee_assessed):
    issue(database, blobs, fee_assessed(entity_name="Comité de Peña"))
    with database.session() as session:
        record = session.scalar(select(Correspondence))
        queued = session.execute(select(outbox.c.event_type, outbox.c.envelope)).all()
    document = blobs.get(record.blob_key)
    assert (record.kind, record.title, record.entity_id, record.user_id) == (
        "annual_fee_notice",
        "Annual Fee Notice 2026",
        "1400001",
        None,
    )
    assert record.template_version == "annual_fee_notice.v1"
    assert record.cause == "fees.fee_assessed:assessment-1"
    assert (record.sha256, record.size) == (sha256_of(document), len(document))
    assert "Comité de Peña" in PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert [row.event_type for row in queued] == ["correspondence_issued"]
    payload = queued[0].envelope["payload"]
    assert (payload["correspondence_id"], payload["number"], payload["entity_id"], payload["user_id"]) == (
        record.id,
        record.number,
        "1400001",
        None,
    )


def test_same_fee_assessment_twice_issues_one_notice_and_one_event(database, blobs, fee_assessed):
    event = fee_assessed()
    issue(database, blobs, event)
    issue(database, blobs, event)
    issue(database, blobs, fee_assessed())
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Correspondence)) == 1
        assert session.scalar(select(func.count()).select_from(outbox)) == 1


def test_numbers_count_up_within_the_year(database, blobs, fee_assessed):
    first = issue(database, blobs, fee_assessed("assessment-1"))
    second = issue(database, blobs, fee_assessed("assessment-2", entity_id="1400002"))
    year, sequence = first.number.rsplit("-", 1)
    assert second.number == f"{year}-{int(sequence) + 1:06d}"


def test_entity_link_approval_grants_access_once(database, link_approved):
    for _ in range(2):
        with database.session() as session:
            handlers.grant_entity_access(session, link_approved())
    with database.session() as session:
        access = session.scalars(select(EntityAccess)).all()
    assert [(a.user_id, a.entity_id, a.role) for a in access] == [("user-1", "1400001", "officer")]


def test_a_later_approval_changes_the_role(database, link_approved):
    for role in ("viewer", "agent"):
        with database.session() as session:
            handlers.grant_entity_access(session, link_approved(role=role))
    with database.session() as session:
        assert session.scalar(select(EntityAccess.role)) == "agent"


def test_linked_user_reads_the_entitys_notices_and_others_do_not(database, blobs, fee_assessed, link_approved):
    notice = issue(database, blobs, fee_assessed())
    with database.session() as session:
        handlers.grant_entity_access(session, link_approved(user_id="user-1"))
    with database.session() as session:
        owner = handlers.reader_of(session, "user-1", ("filer",))
        stranger = handlers.reader_of(session, "user-2", ("filer",))
        staff = handlers.reader_of(session, "clerk", ("staff",))
        assert [c.id for c in handlers.readable_by(session, owner, 100)] == [notice.id]
        assert handlers.readable_by(session, stranger, 100) == []
        assert [c.id for c in handlers.readable_by(session, staff, 100)] == [notice.id]
        assert handlers.find_readable(session, stranger, notice.id) is None
        assert handlers.find_readable(session, owner, notice.id).id == notice.id


def test_a_tampered_pdf_is_not_served(database, blobs, fee_assessed):
    notice = issue(database, blobs, fee_assessed())
    path = blobs.path_of(notice.blob_key)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 forged")
    with pytest.raises(handlers.DocumentUnavailable, match="integrity"):
        handlers.document_of(notice, blobs)


def test_migrations_match_the_models(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), [Base.metadata, messaging_metadata])
    assert differences == []
