from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event


def _accepted(**changes):
    payload = {
        "filing_id": "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": 0,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        "totals": {"contributions_received": Decimal("1500.00")},
    }
    payload.update(changes)
    return read_event(make_event("filings", "filing_accepted", payload))


def _amended(**changes):
    payload = {**_accepted().get("payload"), "amendment": 1, "previous_amendment": 0, **changes}
    return read_event(make_event("filings", "filing_amended", payload))


def _registered(**changes):
    payload = {
        "entity_id": "1400001",
        "name": "Friends of Example",
        "entity_type": "recipient_committee",
        "registered_by": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "registered_on": date(2026, 3, 2),
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
    }
    payload.update(changes)
    return read_event(make_event("filings", "entity_registered", payload))


@pytest.fixture
def filing_accepted():
    """Call with payload changes to get a filings.filing_accepted envelope as a consumer receives it."""
    return _accepted


@pytest.fixture
def filing_amended():
    """Call with payload changes to get a filings.filing_amended envelope as a consumer receives it."""
    return _amended


@pytest.fixture
def entity_registered():
    """Call with payload changes to get a filings.entity_registered envelope as a consumer receives it."""
    return _registered
