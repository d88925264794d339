from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import outbox
from fees.models import LedgerEntry


@pytest.fixture
def database(migrated_database):
    return migrated_database("fees")


def _received(event, as_received):
    return read_event(event) if as_received else event


def _registered(
    entity_id="2000001",
    registered_on=date(2026, 3, 2),
    entity_type="recipient_committee",
    *,
    name=None,
    registration_form=None,
    as_received=True,
):
    payload = {
        "entity_id": entity_id,
        "name": name or f"Friends of {entity_id}",
        "entity_type": entity_type,
        "registered_by": "user-1",
        "registered_on": registered_on,
        "filing_id": "filing-1",
    }
    if registration_form is not None:
        payload["registration_form"] = registration_form
    return _received(make_event("filings", "entity_registered", payload), as_received)


def _updated(entity_id="2000001", name="Renamed Committee", amendment=1, *, as_received=True):
    payload = {
        "entity_id": entity_id,
        "name": name,
        "entity_type": "recipient_committee",
        "changed": ["name"],
        "filing_id": "filing-1",
        "amendment": amendment,
    }
    return _received(make_event("filings", "entity_updated", payload), as_received)


def _terminated(entity_id="2000001", terminated_on=date(2026, 12, 20), *, as_received=True):
    payload = {
        "entity_id": entity_id,
        "name": f"Friends of {entity_id}",
        "entity_type": "recipient_committee",
        "terminated_on": terminated_on,
        "filing_id": "filing-9",
    }
    return _received(make_event("filings", "entity_terminated", payload), as_received)


def _late(
    entity_id="2000001",
    days_late=3,
    filing_id=None,
    due_on=date(2026, 7, 31),
    form="F460",
    period=(date(2026, 1, 1), date(2026, 6, 30)),
    *,
    reported_amount=None,
    as_received=True,
):
    payload = {
        "entity_id": entity_id,
        "entity_name": f"Friends of {entity_id}",
        "form": form,
        "form_name": "Recipient Committee Campaign Statement",
        "period_start": period[0],
        "period_end": period[1],
        "due_on": due_on,
        "days_late": days_late,
        "filing_id": filing_id,
    }
    if reported_amount is not None:
        payload["reported_amount"] = Decimal(reported_amount)
    return _received(make_event("filings", "filing_late", payload), as_received)


@pytest.fixture
def registered():
    """Call with changes to get a filings.entity_registered event (as_received=False: as sent)."""
    return _registered


@pytest.fixture
def updated():
    return _updated


@pytest.fixture
def terminated():
    return _terminated


@pytest.fixture
def filing_late():
    """Call with changes to get a filings.filing_late event (as_received=False: as sent)."""
    return _late


@pytest.fixture
def ledger_of(database):
    """Call with an entity id to get its ledger entries, in order."""

    def entries(entity_id="2000001"):
        with database.session() as session:
            return session.scalars(
                select(LedgerEntry).where(LedgerEntry.entity_id == entity_id).order_by(LedgerEntry.seq)
            ).all()

    return entries


@pytest.fixture
def queued(database):
    """Call to get the envelopes in the outbox, in order (of one event type, if given)."""

    def envelopes(event_type=None):
        with database.session() as session:
            query = select(outbox.c.envelope).order_by(outbox.c.id)
            if event_type is not None:
                query = query.where(outbox.c.event_type == event_type)
            return list(session.scalars(query))

    return envelopes
