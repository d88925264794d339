from datetime import date

import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from correspondence.blob_store import LocalBlobStore


def _fee_assessed(
    assessment_id="assessment-1", entity_id="1400001", entity_name="Friends of Example", *, as_received=True
):
    event = make_event(
        "fees",
        "fee_assessed",
        {
            "assessment_id": assessment_id,
            "entity_id": entity_id,
            "entity_name": entity_name,
            "fee_year": 2026,
            "amount_cents": 5000,
            "due_date": date(2026, 3, 17),
            "late_penalty_cents": 15000,
        },
    )
    return read_event(event) if as_received else event


def _link_approved(user_id="user-1", entity_id="1400001", role="officer", *, as_received=True):
    event = make_event("accounts", "entity_link_approved", {"user_id": user_id, "entity_id": entity_id, "role": role})
    return read_event(event) if as_received else event


@pytest.fixture
def fee_assessed():
    """Call with changes to get a fees.fee_assessed event as a consumer receives it (as_received=False: as sent)."""
    return _fee_assessed


@pytest.fixture
def link_approved():
    """Call with changes to get an accounts.entity_link_approved event (as_received=False: as sent)."""
    return _link_approved


@pytest.fixture
def blobs(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")
