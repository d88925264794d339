import pytest
from sqlalchemy import select

from accounts.domain import entity_links as rules
from accounts.links import handlers
from accounts.links.legacy import record_migrated_entities
from accounts.links.models import KnownEntity
from cars_shared.events import make_event
from cars_shared.relay import ConfirmingPublisher, PendingEvent
from services.accounts.tests.test_worker import wait_until, worker  # noqa: F401 (a fixture)


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


ADDRESS = {"street": "1500 11th Street", "city": "Sacramento", "state": "CA", "zip": "95814"}


def batch(*entity_ids, number=0):
    payload = {"batch_id": f"run:FILERS_CD:2:{number}", "filing_ids": [], "entity_ids": list(entity_ids)}
    return make_event("filings", "legacy_batch_imported", payload)


def known(database):
    with database.session() as session:
        return {e.entity_id: (e.origin, e.name, e.street) for e in session.scalars(select(KnownEntity))}


def test_a_batch_records_its_entities_as_migrated_and_a_redelivery_changes_nothing(database):
    with database.session() as session:
        assert record_migrated_entities(session, batch("1300001", "C28023", "1300001")) == ["1300001", "C28023"]
    with database.session() as session:
        assert record_migrated_entities(session, batch("1300001", "C28023")) == []
    assert known(database) == {
        "1300001": (rules.LEGACY_ORIGIN, "CAL-ACCESS filer 1300001", None),
        "C28023": (rules.LEGACY_ORIGIN, "CAL-ACCESS filer C28023", None),
    }


def test_an_entity_already_known_keeps_its_origin_name_and_address(database):
    with database.session() as session:
        handlers.record_legacy_entity(session, "1300001", "Committee to Keep Example", ADDRESS)
        handlers.record_entity(
            session, {"payload": {"entity_id": "new-1", "name": "Friends of Example", "origin": rules.NEW_ORIGIN}}
        )
    with database.session() as session:
        assert record_migrated_entities(session, batch("1300001", "new-1", "1300002")) == ["1300002"]
    entities = known(database)
    assert entities["1300001"] == (rules.LEGACY_ORIGIN, "Committee to Keep Example", "1500 11th Street")
    assert entities["new-1"][0] == rules.NEW_ORIGIN
    assert entities["1300002"][0] == rules.LEGACY_ORIGIN


def test_a_migrated_entity_learned_from_a_batch_is_offered_for_access_codes(database):
    with database.session() as session:
        record_migrated_entities(session, batch("1300001", "1300002"))
    with database.session() as session:
        assert handlers.unclaimed_legacy_entities(session, 10) == ["1300001", "1300002"]


def test_the_worker_learns_migrated_entities_from_filings_batches(database, amqp_vhost, worker):  # noqa: F811
    publisher = ConfirmingPublisher(amqp_vhost)
    # The same batch delivered twice, as after a broker redelivery.
    publisher.publish([PendingEvent(1, "filings", "legacy_batch_imported", batch("1300001", "1300002"))] * 2)
    publisher.close()
    wait_until(lambda: len(known(database)) == 2)
    assert {origin for origin, _, _ in known(database).values()} == {rules.LEGACY_ORIGIN}
