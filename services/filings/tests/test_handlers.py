import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.inbox import EventConsumer
from cars_shared.messaging_tables import outbox
from cars_shared.parking import ParkingLot
from filings import handlers
from filings.domain.campaign_statement import CampaignStatement, Contribution
from filings.domain.entities import EntityType
from filings.domain.errors import EntityNotFound, FilingRejected, NotPermittedToFile
from filings.domain.statement_of_organization import CommitteeRegistration
from filings.models import Entity, EntityAgent, Filing

TREASURER = "user-treasurer"


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def registration(name="Friends of Example for Assembly 2026"):
    return CommitteeRegistration(
        name=name,
        committee_type=EntityType.RECIPIENT_COMMITTEE,
        treasurer_name="Terry Treasurer",
        street="1500 11th Street",
        city="Sacramento",
        state="CA",
        zip="95814",
        email="treasurer@example.org",
    )


def campaign_statement(employer="State of California"):
    contribution = Contribution(
        amount=Decimal("1500.00"),
        date=date(2026, 3, 1),
        contributor_name="Pat Donor",
        city="Sacramento",
        state="CA",
        zip="95814",
        occupation="Engineer",
        employer=employer,
    )
    return CampaignStatement(
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        contributions_received=Decimal("1500.00"),
        expenditures_made=Decimal("250.00"),
        schedule_a=(contribution,),
    )


def register(database, user_id=TREASURER, name="Friends of Example for Assembly 2026"):
    with database.session() as session:
        entity, filing = handlers.register_committee(session, registration(name), user_id)
    return entity, filing


def link_approved(entity_id, user_id, role, *, as_received=True):
    event = make_event("accounts", "entity_link_approved", {"entity_id": entity_id, "user_id": user_id, "role": role})
    return read_event(event) if as_received else event


def queued(session):
    return session.execute(select(outbox.c.event_type, outbox.c.envelope).order_by(outbox.c.id)).all()


def count(session, table):
    return session.scalar(select(func.count()).select_from(table))


def test_registration_writes_entity_form_410_officer_and_both_events(database):
    moment = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    with database.session() as session:
        entity, filing = handlers.register_committee(session, registration(), TREASURER, now=moment)
    with database.session() as session:
        saved = session.get(Entity, entity.entity_id)
        form_410 = session.get(Filing, (filing.filing_id, 0))
        officer = session.get(EntityAgent, (entity.entity_id, TREASURER))
        events = queued(session)
    assert (saved.name, saved.entity_type, saved.status, saved.registered_on) == (
        "Friends of Example for Assembly 2026",
        "recipient_committee",
        "active",
        date(2026, 3, 2),
    )
    assert (form_410.form, form_410.status, form_410.entity_id) == ("F410", "accepted", entity.entity_id)
    assert form_410.content["treasurer_name"] == "Terry Treasurer"
    assert officer.role == "officer"
    assert [row.event_type for row in events] == ["entity_registered", "filing_accepted"]
    registered, accepted = (row.envelope["payload"] for row in events)
    assert registered == {
        "entity_id": entity.entity_id,
        "name": "Friends of Example for Assembly 2026",
        "entity_type": "recipient_committee",
        "registered_by": TREASURER,
        "registered_on": "2026-03-02",
        "filing_id": filing.filing_id,
    }
    assert (accepted["form"], accepted["form_name"], accepted["filing_id"]) == (
        "F410",
        "Statement of Organization",
        filing.filing_id,
    )


def test_registration_and_its_events_roll_back_together(database):
    with pytest.raises(RuntimeError), database.session() as session:
        handlers.register_committee(session, registration(), TREASURER)
        raise RuntimeError("the transaction fails after the registration")
    with database.session() as session:
        assert [count(session, table) for table in (Entity, Filing, EntityAgent, outbox)] == [0, 0, 0, 0]
    first, _ = register(database)
    assert first.entity_id == "2000000"


def test_entity_ids_are_text_and_increase_from_2000000(database):
    ids = [register(database, name=f"Committee {n}")[0].entity_id for n in range(3)]
    assert ids == ["2000000", "2000001", "2000002"]
    assert all(isinstance(entity_id, str) for entity_id in ids)


def test_concurrent_registrations_never_share_an_entity_id(database):
    threads, per_thread = 8, 4
    allocated: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    def register_several():
        try:
            start.wait()
            for _ in range(per_thread):
                with database.session() as session:
                    allocated.append(handlers.register_committee(session, registration(), TREASURER)[0].entity_id)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    workers = [threading.Thread(target=register_several) for _ in range(threads)]
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
        with database.session() as session:
            allocated["second"] = handlers.allocate_entity_id(session)

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


def test_officer_files_a_campaign_statement_and_its_totals_are_published(database):
    entity, _ = register(database)
    with database.session() as session:
        filing = handlers.file_campaign_statement(session, entity.entity_id, campaign_statement(), TREASURER)
    with database.session() as session:
        saved = session.get(Filing, (filing.filing_id, 0))
        accepted = queued(session)[-1]
    assert (saved.form, saved.amendment, saved.period_start, saved.period_end) == (
        "F460",
        0,
        date(2026, 1, 1),
        date(2026, 6, 30),
    )
    assert saved.content["schedule_a"][0]["amount"] == "1500.00"
    assert accepted.event_type == "filing_accepted"
    totals = accepted.envelope["payload"]["totals"]
    assert totals == {"contributions_received": "1500.00", "expenditures_made": "250.00"}
    assert accepted.envelope["payload"]["entity_name"] == "Friends of Example for Assembly 2026"


def test_statement_for_unknown_entity_is_refused(database):
    with pytest.raises(EntityNotFound), database.session() as session:
        handlers.file_campaign_statement(session, "2999999", campaign_statement(), TREASURER)


def test_user_who_is_not_an_agent_may_not_file(database):
    entity, _ = register(database)
    with pytest.raises(NotPermittedToFile), database.session() as session:
        handlers.file_campaign_statement(session, entity.entity_id, campaign_statement(), "user-stranger")


def test_viewer_may_not_file(database):
    entity, _ = register(database)
    with database.session() as session:
        handlers.record_entity_link(session, link_approved(entity.entity_id, "user-viewer", "viewer"))
    with pytest.raises(NotPermittedToFile), database.session() as session:
        handlers.file_campaign_statement(session, entity.entity_id, campaign_statement(), "user-viewer")


def test_rejected_statement_names_its_fields_and_writes_nothing(database):
    entity, _ = register(database)
    with pytest.raises(FilingRejected) as rejected, database.session() as session:
        handlers.file_campaign_statement(session, entity.entity_id, campaign_statement(employer=None), TREASURER)
    assert [v.field for v in rejected.value.violations] == ["schedule_a.0.employer"]
    with database.session() as session:
        assert count(session, Filing) == 1
        assert [row.event_type for row in queued(session)] == ["entity_registered", "filing_accepted"]


def test_approved_link_lets_the_agent_file(database):
    entity, _ = register(database)
    with database.session() as session:
        handlers.record_entity_link(session, link_approved(entity.entity_id, "user-agent", "agent"))
    with database.session() as session:
        filing = handlers.file_campaign_statement(session, entity.entity_id, campaign_statement(), "user-agent")
    assert filing.filed_by == "user-agent"


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
    with database.session() as session:
        assert count(session, EntityAgent) == 1
