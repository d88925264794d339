from datetime import date

import pytest
from sqlalchemy import func, select

from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox
from fees import handlers
from fees.models import FeeAssessment


@pytest.fixture
def database(migrated_database):
    return migrated_database("fees")


def registration(entity_id="1400001", registered_on=date(2026, 3, 2)):
    return make_event(
        "filings",
        "entity_registered",
        {
            "entity_id": entity_id,
            "name": "Friends of Example",
            "entity_type": "recipient_committee",
            "registered_by": "user-1",
            "registered_on": registered_on,
            "filing_id": "filing-1",
        },
    )


def test_registration_charges_annual_fee_and_queues_fee_assessed(database):
    event = registration()
    event["payload"]["registered_on"] = date(2026, 3, 2)
    with database.session() as session:
        handlers.assess_fee_on_registration(session, event)
    with database.session() as session:
        assessment = session.scalar(select(FeeAssessment))
        queued = session.execute(select(outbox.c.event_type, outbox.c.envelope)).all()
    assert (assessment.amount_cents, assessment.due_date) == (5000, date(2026, 3, 17))
    assert [row.event_type for row in queued] == ["fee_assessed"]
    assert queued[0].envelope["payload"]["entity_id"] == "1400001"


def test_same_entity_and_year_is_charged_once(database):
    for _ in range(2):
        event = registration()
        event["payload"]["registered_on"] = date(2026, 3, 2)
        with database.session() as session:
            handlers.assess_fee_on_registration(session, event)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FeeAssessment)) == 1
        assert session.scalar(select(func.count()).select_from(outbox)) == 1
