import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from cars_shared.inbox import EventConsumer
from cars_shared.parking import ParkingLot
from cars_shared.worker import Store
from correspondence.blob_store import LocalBlobStore
from correspondence.models import Correspondence, EntityAccess
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
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Correspondence)) == 1


def test_entity_link_approved_message_grants_access(worker, database, link_approved):
    body = link_approved(as_received=False)
    assert worker.on_entity_link_approved([body]) == ["handled"]
    with database.session() as session:
        assert session.scalar(select(EntityAccess.entity_id).where(EntityAccess.user_id == "user-1")) == "1400001"
