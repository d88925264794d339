import threading
import time

import pytest
from sqlalchemy import select, text

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.inbox import EventConsumer
from cars_shared.parking import ParkingLot
from filings import handlers
from filings.domain.intake import Space
from filings.models import EntityAgent

VENDOR = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def allocate(database, space=Space.PRODUCTION):
    with database.session() as session:
        return handlers.allocate_entity_id(session, space)


def link_approved(entity_id, user_id, role, *, as_received=True):
    event = make_event("accounts", "entity_link_approved", {"entity_id": entity_id, "user_id": user_id, "role": role})
    return read_event(event) if as_received else event


def test_entity_ids_are_text_and_increase_from_2000000(database):
    ids = [allocate(database) for _ in range(3)]
    assert ids == ["2000000", "2000001", "2000002"]


def test_sandbox_entity_ids_have_their_own_counter_and_start_with_s(database):
    assert [allocate(database, Space.SANDBOX) for _ in range(2)] == ["S0000001", "S0000002"]
    assert allocate(database) == "2000000"


def test_an_id_allocated_in_a_rolled_back_transaction_is_given_back(database):
    with pytest.raises(RuntimeError), database.session() as session:
        handlers.allocate_entity_id(session)
        raise RuntimeError("the registration fails after allocating")
    assert allocate(database) == "2000000"


def test_concurrent_allocations_never_share_an_entity_id(database):
    threads, per_thread = 8, 4
    allocated: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    def allocate_several():
        try:
            start.wait()
            for _ in range(per_thread):
                allocated.append(allocate(database))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    workers = [threading.Thread(target=allocate_several) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert sorted(allocated, key=int) == [str(2_000_000 + n) for n in range(threads * per_thread)]


WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def sessions_waiting_on_a_lock(database):
    with database.engine.connect() as connection:
        return connection.scalar(WAITING_ON_A_LOCK)


def test_allocation_waits_while_another_transaction_holds_the_counter(database):
    allocated: dict[str, str] = {}

    def allocate_second():
        allocated["second"] = allocate(database)

    waiter = threading.Thread(target=allocate_second)
    with database.session() as holding:
        allocated["first"] = handlers.allocate_entity_id(holding)
        waiter.start()
        deadline = time.monotonic() + 10
        while sessions_waiting_on_a_lock(database) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sessions_waiting_on_a_lock(database) == 1
        assert "second" not in allocated
    waiter.join(timeout=10)
    assert allocated == {"first": "2000000", "second": "2000001"}


def test_approving_the_same_link_twice_keeps_one_agent_with_the_latest_role(database):
    for role in ("viewer", "viewer", "agent"):
        with database.session() as session:
            handlers.record_entity_link(session, link_approved("2000000", "user-agent", role))
    with database.session() as session:
        agents = session.scalars(select(EntityAgent)).all()
    assert [(a.entity_id, a.user_id, a.role) for a in agents] == [("2000000", "user-agent", "agent")]


def test_redelivered_link_approval_is_handled_once(database, amqp_server):
    consumer = EventConsumer(database, ParkingLot(amqp_server, "filings"), attempts=1)
    body = link_approved("2000000", "user-agent", "agent", as_received=False)
    results = [
        consumer.handle("filings.on_entity_link_approved", "queue", body, handlers.record_entity_link) for _ in range(2)
    ]
    assert results == ["handled", "duplicate"]


def test_vendor_certification_follows_accounts_latest_word(database):
    certified = read_event(
        make_event("accounts", "vendor_certified", {"vendor_id": VENDOR, "name": "Acme", "certified_by": "staff-1"})
    )
    decertified = read_event(
        make_event(
            "accounts", "vendor_decertified", {"vendor_id": VENDOR, "decertified_by": "staff-1", "reason": "Lapsed."}
        )
    )
    with database.session() as session:
        assert handlers.vendor_certified(session, VENDOR) is False
        handlers.record_vendor_status(session, certified, certified=True)
    with database.session() as session:
        assert handlers.vendor_certified(session, VENDOR) is True
        handlers.record_vendor_status(session, decertified, certified=False)
    with database.session() as session:
        assert handlers.vendor_certified(session, VENDOR) is False
