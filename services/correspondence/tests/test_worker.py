import io

import pytest
from nameko.testing.services import worker_factory
from pypdf import PdfReader
from sqlalchemy import func, select

from cars_shared.inbox import EventConsumer
from cars_shared.parking import ParkingLot
from cars_shared.worker import Store
from correspondence.blob_store import LocalBlobStore
from correspondence.models import Correspondence, EntityAccess, PendingNotice
from correspondence.worker import CorrespondenceWorker


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


@pytest.fixture
def worker(database, tmp_path):
    # Parking is reached only when a handler keeps failing, which these tests do not provoke.
    consumer = EventConsumer(database, ParkingLot("amqp://guest:guest@127.0.0.1:5672/", "correspondence"), attempts=1)
    return worker_factory(CorrespondenceWorker, store=Store(database, consumer), blobs=LocalBlobStore(tmp_path))


def test_a_redelivered_fee_assessed_message_is_handled_once(worker, database, fee_assessed):
    body = fee_assessed(as_received=False)
    assert worker.on_fee_assessed([body]) == ["handled"]
    assert worker.on_fee_assessed([body]) == ["duplicate"]
    # Annual Fee Notices are drawn by the render processes (tests/test_bulk_issue.py); here one is recorded.
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(PendingNotice)) == 1


def test_entity_link_approved_message_grants_access(worker, database, link_approved):
    body = link_approved(as_received=False)
    assert worker.on_entity_link_approved([body]) == ["handled"]
    with database.session() as session:
        assert session.scalar(select(EntityAccess.entity_id).where(EntityAccess.user_id == "user-1")) == "1400001"


@pytest.mark.parametrize(
    ("producer", "type_", "entrypoint", "kind"),
    [
        ("fees", "penalty_assessed", "on_penalty_assessed", "penalty_notice"),
        ("fees", "fine_assessed", "on_fine_assessed", "late_filing_notice"),
        ("fees", "payment_received", "on_payment_received", "payment_receipt"),
        ("fees", "fine_waived", "on_fine_waived", "waiver_decision"),
        ("filings", "filing_accepted", "on_filing_accepted", "filing_receipt"),
        ("filings", "filing_amended", "on_filing_amended", "filing_receipt"),
    ],
)
def test_each_consumed_event_issues_its_kind_once_when_redelivered(
    worker, database, contract_event, producer, type_, entrypoint, kind
):
    body = contract_event(producer, type_, as_received=False)
    assert getattr(worker, entrypoint)([body]) == ["handled"]
    assert getattr(worker, entrypoint)([body]) == ["duplicate"]
    with database.session() as session:
        assert session.scalars(select(Correspondence.kind)).all() == [kind]


def test_a_registered_then_renamed_entitys_receipt_carries_its_current_name(worker, database, contract_event):
    registered = contract_event("filings", "entity_registered", entity_id="1400001", as_received=False)
    renamed = contract_event(
        "filings", "entity_updated", entity_id="1400001", name="Amigos de Zoë Ramírez", as_received=False
    )
    assert worker.on_entity_registered([registered]) == ["handled"]
    assert worker.on_entity_updated([renamed]) == ["handled"]
    assert worker.on_payment_received([contract_event("fees", "payment_received", as_received=False)]) == ["handled"]
    with database.session() as session:
        receipt = session.scalar(select(Correspondence))
    text = PdfReader(io.BytesIO(worker.blobs.get(receipt.blob_key))).pages[0].extract_text()
    assert "Amigos de Zoë Ramírez" in text
