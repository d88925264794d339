import json
import uuid
from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.registry import PRODUCERS, load_all, redacted
from cars_shared.logging import bound_contextvars

SPECS = load_all()


def fee_assessed_payload(**changes):
    payload = {
        "assessment_id": "a-1",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "fee_year": 2026,
        "amount_cents": 5000,
        "due_date": date(2026, 3, 17),
        "late_penalty_cents": 15000,
    }
    payload.update(changes)
    return payload


def test_every_producer_has_registered_events():
    assert {spec.producer for spec in SPECS.values()} == set(PRODUCERS)


@pytest.mark.parametrize("spec", SPECS.values(), ids=lambda spec: f"{spec.producer}.{spec.type}.v{spec.version}")
def test_every_registered_example_survives_make_event_and_read_event(spec):
    values = spec.schema().load(spec.example)
    envelope = make_event(spec.producer, spec.type, values, version=spec.version)
    assert json.loads(json.dumps(envelope)) == envelope
    assert envelope["payload"] == spec.example
    received = read_event(json.loads(json.dumps(envelope)))
    assert received["payload"] == values
    assert (received["producer"], received["type"], received["version"]) == (spec.producer, spec.type, spec.version)


def test_envelope_carries_id_time_producer_and_correlation():
    envelope = make_event("fees", "fee_assessed", fee_assessed_payload())
    assert uuid.UUID(envelope["event_id"])
    assert datetime.fromisoformat(envelope["occurred_at"]).tzinfo is not None
    assert envelope["producer"] == "fees"
    assert envelope["correlation_id"] == envelope["event_id"]
    assert envelope["payload"]["due_date"] == "2026-03-17"


def test_correlation_id_comes_from_the_argument_or_the_bound_context():
    with bound_contextvars(correlation_id="request-7"):
        assert make_event("fees", "fee_assessed", fee_assessed_payload())["correlation_id"] == "request-7"
        explicit = make_event("fees", "fee_assessed", fee_assessed_payload(), correlation_id="chosen")
    assert explicit["correlation_id"] == "chosen"


def test_each_event_gets_its_own_id():
    first = make_event("fees", "fee_assessed", fee_assessed_payload())
    second = make_event("fees", "fee_assessed", fee_assessed_payload())
    assert first["event_id"] != second["event_id"]


def test_consumers_ignore_unknown_envelope_and_payload_fields():
    envelope = make_event("fees", "fee_assessed", fee_assessed_payload())
    envelope["trace"] = {"hops": 3}
    envelope["payload"] = {**envelope["payload"], "added_in_a_later_release": True}
    received = read_event(envelope)
    assert "added_in_a_later_release" not in received["payload"]
    assert received["payload"]["due_date"] == date(2026, 3, 17)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"entity_id": None}, "entity_id"),
        ({"fee_year": "twenty"}, "fee_year"),
        ({"due_date": "next week"}, "due_date"),
    ],
)
def test_make_event_refuses_an_invalid_payload_naming_the_field(changes, field):
    with pytest.raises(ValidationError) as refused:
        make_event("fees", "fee_assessed", fee_assessed_payload(**changes))
    assert field in refused.value.messages


def test_make_event_refuses_a_missing_field_naming_it():
    payload = fee_assessed_payload()
    del payload["amount_cents"]
    with pytest.raises(ValidationError) as refused:
        make_event("fees", "fee_assessed", payload)
    assert "amount_cents" in refused.value.messages


def test_make_event_refuses_a_value_outside_the_allowed_set():
    with pytest.raises(ValidationError) as refused:
        make_event("accounts", "entity_link_approved", {"user_id": "u", "entity_id": "e", "role": "owner"})
    assert "role" in refused.value.messages


def test_make_event_refuses_an_unregistered_event_type():
    with pytest.raises(LookupError):
        make_event("fees", "fee_invented", {})


def test_read_event_refuses_an_invalid_payload_naming_the_field():
    envelope = make_event("fees", "fee_assessed", fee_assessed_payload())
    envelope["payload"]["due_date"] = "not a date"
    with pytest.raises(ValidationError) as refused:
        read_event(envelope)
    assert "due_date" in refused.value.messages


def test_read_event_refuses_a_broken_envelope_naming_the_fields():
    envelope = make_event("fees", "fee_assessed", fee_assessed_payload())
    envelope["event_id"] = "not-a-uuid"
    del envelope["occurred_at"]
    with pytest.raises(ValidationError) as refused:
        read_event(envelope)
    assert {"event_id", "occurred_at"} <= set(refused.value.messages)


@pytest.mark.parametrize(
    "changes", [{"type": "fee_invented"}, {"version": 99}, {"producer": "nobody"}], ids=["type", "version", "producer"]
)
def test_read_event_refuses_an_unknown_event_as_invalid(changes):
    envelope = {**make_event("fees", "fee_assessed", fee_assessed_payload()), **changes}
    with pytest.raises(ValidationError) as refused:
        read_event(envelope)
    assert "type" in refused.value.messages


def test_secret_payload_fields_are_masked_for_operators_and_nothing_else():
    reset = make_event(
        "accounts",
        "password_reset_requested",
        {
            "user_id": "u-1",
            "username": "jdoe",
            "email": "jdoe@example.org",
            "reset_url": "http://127.0.0.1:8000/account/reset-password#token=abc",
            "expires_at": datetime(2026, 3, 2, 13, 0, tzinfo=UTC),
        },
    )
    masked = redacted(reset)
    assert masked["payload"]["reset_url"] == "[secret]"
    assert masked["payload"]["username"] == "jdoe"
    assert reset["payload"]["reset_url"].endswith("token=abc")
    assert redacted({"producer": "elsewhere", "payload": {"reset_url": "x"}})["payload"]["reset_url"] == "x"
