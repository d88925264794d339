import io
from datetime import UTC, date, datetime

import pytest
from nameko.testing.services import worker_factory
from pypdf import PdfReader
from sqlalchemy import func, select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.inbox import EventConsumer
from cars_shared.messaging_tables import outbox
from cars_shared.parking import ParkingLot
from cars_shared.worker import Store
from correspondence import handlers
from correspondence.blob_store import sha256_of
from correspondence.domain.access import Reader
from correspondence.domain.link_approval import LinkApproval
from correspondence.domain.vendor_certification import VendorCertification, VendorCertificationWithdrawal
from correspondence.models import Correspondence, EntityAccess
from correspondence.pdf.link_approval import render_link_approval
from correspondence.pdf.vendor_certification import (
    render_vendor_certification,
    render_vendor_certification_withdrawal,
)
from correspondence.worker import CorrespondenceWorker

NAME = "Comité Ελπίδα de Peña"
VENDOR = "Ακμή Filing Software"
PORTAL = "https://cars.example.org"


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


@pytest.fixture
def worker(database, blobs):
    # Parking is reached only when a handler keeps failing, which these tests do not provoke.
    consumer = EventConsumer(database, ParkingLot("amqp://guest:guest@127.0.0.1:5672/", "correspondence"), attempts=1)
    return worker_factory(CorrespondenceWorker, store=Store(database, consumer), blobs=blobs)


def text_of_document(document: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages).split())


def text_of(blobs, letter):
    document = blobs.get(letter.blob_key)
    assert sha256_of(document) == letter.sha256
    return text_of_document(document)


def letters(database):
    with database.session() as session:
        return list(session.scalars(select(Correspondence).order_by(Correspondence.number)))


def issued_events(database):
    with database.session() as session:
        return [row.envelope["payload"] for row in session.execute(select(outbox.c.envelope)).all()]


def name_entity(database, contract_event, name=NAME):
    with database.session() as session:
        handlers.project_entity_name(session, contract_event("filings", "entity_registered", name=name))


# --- Link approval -----------------------------------------------------------------------------------------------


def test_an_approved_link_issues_a_letter_to_that_person_alone(database, blobs, contract_event):
    name_entity(database, contract_event)
    event = contract_event("accounts", "entity_link_approved", user_id="user-7", role="agent")
    with database.session() as session:
        letter = handlers.issue_link_approval(session, event, blobs)
    assert (letter.kind, letter.user_id, letter.entity_id) == ("link_approval", "user-7", None)
    assert letter.template_version == "link_approval.v1"
    assert letter.cause == f"accounts.entity_link_approved:{event['event_id']}"
    text = text_of(blobs, letter)
    for expected in (
        "Link Approval",
        NAME,
        "1400001",
        "Agent",
        "Political Reform Division staff",
        "file and amend",
        "You may end this link at any time under Entity links",
        letter.number,
    ):
        assert expected in text, expected
    [issued] = issued_events(database)
    assert (issued["kind"], issued["user_id"], issued["entity_id"]) == ("link_approval", "user-7", None)


def test_only_the_approved_person_and_staff_may_read_the_link_letter(database, blobs, contract_event):
    event = contract_event("accounts", "entity_link_approved", user_id="user-7")
    with database.session() as session:
        letter = handlers.issue_link_approval(session, event, blobs)
    co_officer = Reader(user_id="user-8", roles=("filer",), entity_ids={"1400001"})
    with database.session() as session:
        assert handlers.find_readable(session, co_officer, letter.id) is None
        assert handlers.find_readable(session, Reader("user-7", ("filer",), set()), letter.id).id == letter.id
        assert handlers.find_readable(session, Reader("staff-1", ("staff",), set()), letter.id).id == letter.id


def test_the_same_approval_event_twice_issues_one_letter(database, blobs, contract_event):
    event = contract_event("accounts", "entity_link_approved")
    for _ in range(2):
        with database.session() as session:
            handlers.issue_link_approval(session, event, blobs)
    assert len(letters(database)) == 1
    assert len(issued_events(database)) == 1


def test_an_approval_published_before_approver_fields_existed_still_gets_its_letter(database, blobs):
    old_shape = {"user_id": "user-7", "entity_id": "1400001", "role": "viewer"}
    event = read_event(make_event("accounts", "entity_link_approved", old_shape))
    with database.session() as session:
        letter = handlers.issue_link_approval(session, event, blobs)
    text = text_of(blobs, letter)
    for expected in ("Filer ID 1400001", "Viewer", "Approved in CARS", "cannot file or pay"):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("approval", "words"),
    [
        ("officer", "One of the entity's officers approved your request"),
        ("staff", "Political Reform Division staff approved your request"),
        ("registration", "You became its officer by registering the entity"),
        ("access_code", "You claimed the entity with the access code mailed to its address of record"),
    ],
)
def test_the_link_letter_says_who_approved_and_when(approval, words):
    notice = LinkApproval(
        number="C-2026-000042",
        issued_on=date(2026, 8, 4),
        user_id="user-7",
        entity_id="1400001",
        entity_name=NAME,
        role="officer",
        approval=approval,
        approved_at=datetime(2026, 8, 4, 17, 0, tzinfo=UTC),
        link_id="link-1",
        portal_url=PORTAL,
    )
    text = text_of_document(render_link_approval(notice))
    assert words in text
    assert "August 4, 2026, 10:00 AM PDT" in text
    assert "authorise filing software vendors" in text
    assert PdfReader(io.BytesIO(render_link_approval(notice))).metadata.title == "Link Approval"


# --- Vendor Certification ------------------------------------------------------------------------------------------


def test_a_certified_vendor_gets_one_letter_per_manager(database, blobs, contract_event):
    event = contract_event(
        "accounts", "vendor_certified", name=VENDOR, manager_ids=["user-1", "user-2", "user-1"], certified_by="staff-9"
    )
    with database.session() as session:
        issued = handlers.issue_vendor_certification(session, event, blobs)
    assert [(letter.kind, letter.user_id, letter.entity_id) for letter in issued] == [
        ("vendor_certification", "user-1", None),
        ("vendor_certification", "user-2", None),
    ]
    text = text_of(blobs, issued[0])
    for expected in (
        "Vendor Certification",
        VENDOR,
        event["payload"]["vendor_id"],
        "May 6, 2026",
        "Production",
        "staff-9",
        "Original 460",
        "Report 615",
        "May 4, 2026",
    ):
        assert expected in text, expected
    assert [payload["user_id"] for payload in issued_events(database)] == ["user-1", "user-2"]


def test_the_same_certification_event_twice_issues_each_manager_one_letter(database, blobs, contract_event):
    event = contract_event("accounts", "vendor_certified", manager_ids=["user-1", "user-2"])
    for _ in range(2):
        with database.session() as session:
            handlers.issue_vendor_certification(session, event, blobs)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Correspondence)) == 2


def test_a_certification_that_names_no_manager_issues_nothing(database, blobs):
    old_shape = {"vendor_id": "vendor-1", "name": "Acme Filing Software", "certified_by": "staff-1"}
    event = read_event(make_event("accounts", "vendor_certified", old_shape))
    with database.session() as session:
        assert handlers.issue_vendor_certification(session, event, blobs) == []
    assert letters(database) == []


def test_a_withdrawn_certification_tells_each_manager_why(database, blobs, contract_event):
    event = contract_event("accounts", "vendor_decertified", manager_ids=["user-1"], name=VENDOR)
    with database.session() as session:
        [letter] = handlers.issue_vendor_certification_withdrawal(session, event, blobs)
    assert (letter.kind, letter.user_id, letter.template_version) == (
        "vendor_decertification",
        "user-1",
        "vendor_decertification.v1",
    )
    text = text_of(blobs, letter)
    for expected in ("Vendor Certification Withdrawn", VENDOR, "Failed re-certification.", "Sandbox only"):
        assert expected in text, expected


def test_a_certification_letter_without_a_scenario_report_leaves_the_scenarios_out():
    notice = VendorCertification(
        number="C-2026-000042",
        issued_on=date(2026, 5, 6),
        user_id="user-1",
        vendor_id="vendor-1",
        vendor_name="Acme Filing Software",
        certified_at=datetime(2026, 5, 6, 17, 0, tzinfo=UTC),
        certified_by="staff-1",
        scenarios_passed_at=None,
        scenarios=(),
        portal_url=PORTAL,
    )
    assert [label for label, _ in notice.facts()] == [
        "Vendor",
        "Vendor ID",
        "Certified on",
        "Scope granted",
        "Certified by",
    ]
    assert "Acme Filing Software" in text_of_document(render_vendor_certification(notice))


def test_a_withdrawal_letter_names_the_vendor_by_id_when_the_event_gave_no_name():
    notice = VendorCertificationWithdrawal(
        number="C-2026-000043",
        issued_on=date(2026, 9, 1),
        user_id="user-1",
        vendor_id="vendor-1",
        vendor_name=None,
        withdrawn_at=datetime(2026, 9, 1, 16, 0, tzinfo=UTC),
        withdrawn_by="staff-1",
        reason="Failed re-certification.",
        portal_url=PORTAL,
    )
    document = render_vendor_certification_withdrawal(notice)
    assert "Manager of vendor vendor-1" in text_of_document(document)
    assert PdfReader(io.BytesIO(document)).metadata.subject == "Production certification of vendor vendor-1 withdrawn"


# --- the worker ----------------------------------------------------------------------------------------------------


def test_a_link_approval_message_grants_access_and_issues_the_letter_once(worker, database, contract_event):
    body = contract_event("accounts", "entity_link_approved", user_id="user-7", as_received=False)
    assert worker.on_entity_link_approved([body]) == ["handled"]
    assert worker.on_entity_link_approved([body]) == ["duplicate"]
    with database.session() as session:
        assert session.scalar(select(EntityAccess.entity_id).where(EntityAccess.user_id == "user-7")) == "1400001"
    assert [(letter.kind, letter.user_id) for letter in letters(database)] == [("link_approval", "user-7")]


def test_vendor_certification_messages_issue_their_letters(worker, database, contract_event):
    certified = contract_event("accounts", "vendor_certified", manager_ids=["user-1"], as_received=False)
    withdrawn = contract_event("accounts", "vendor_decertified", manager_ids=["user-1"], as_received=False)
    assert worker.on_vendor_certified([certified]) == ["handled"]
    assert worker.on_vendor_decertified([withdrawn]) == ["handled"]
    assert [letter.kind for letter in letters(database)] == ["vendor_certification", "vendor_decertification"]
