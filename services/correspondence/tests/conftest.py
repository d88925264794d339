from datetime import date, timedelta

import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.registry import load_all
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


ACCESS_CODE = "K7QM-3XWP-9RTD-HV2F"
ADDRESS_OF_RECORD = {"street": "1500 11th Street", "city": "Sacramento", "state": "CA", "zip": "95814"}


def _access_code_issued(
    code_id="code-1",
    entity_id="1400001",
    entity_name="Friends of Example",
    mailing_address=ADDRESS_OF_RECORD,
    access_code=ACCESS_CODE,
    expires_on=None,
    *,
    as_received=True,
):
    event = make_event(
        "accounts",
        "entity_access_code_issued",
        {
            "code_id": code_id,
            "entity_id": entity_id,
            "entity_name": entity_name,
            "mailing_address": mailing_address,
            "access_code": access_code,
            "expires_on": expires_on or date.today() + timedelta(days=90),
            "issued_by": "staff-1",
        },
    )
    return read_event(event) if as_received else event


@pytest.fixture
def access_code_issued():
    """Call with changes to get an accounts.entity_access_code_issued event (as_received=False: as sent)."""
    return _access_code_issued


@pytest.fixture
def fee_assessed():
    """Call with changes to get a fees.fee_assessed event as a consumer receives it (as_received=False: as sent)."""
    return _fee_assessed


@pytest.fixture
def link_approved():
    """Call with changes to get an accounts.entity_link_approved event (as_received=False: as sent)."""
    return _link_approved


def _contract_event(producer, type_, *, as_received=True, **changes):
    spec = load_all()[(producer, type_, 1)]
    payload = spec.schema().load(spec.example) | changes
    event = make_event(producer, type_, payload)
    return read_event(event) if as_received else event


@pytest.fixture
def contract_event():
    """Call with (producer, type, **changes) to get that event built from its contract's example payload."""
    return _contract_event


@pytest.fixture
def blobs(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")
