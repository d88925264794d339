"""The one translator: public events hold only allow-listed fields, never sandbox data, with stable ids."""

import dataclasses
import json

import pytest
from marshmallow import fields

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.filings import FilingAccepted as InternalFilingAccepted
from cars_shared.events.registry import REGISTRY, load_all, payload_schema
from notify.partners.contracts import spec_of
from notify.partners.translator import TRANSLATIONS, translate

PORTAL = "https://cars.example"


def internal(producer, type_, **changes):
    spec = load_all()[(producer, type_, 1)]
    return read_event(make_event(producer, type_, payload_schema(producer, type_).load({**spec.example, **changes})))


@pytest.mark.parametrize(("producer", "type_"), sorted(TRANSLATIONS))
def test_every_translated_event_holds_exactly_its_contracts_fields(producer, type_):
    public = translate(internal(producer, type_), PORTAL)
    contract = spec_of(public.type, public.version).schema()
    assert set(public.payload) == set(contract.fields)
    assert contract.validate(public.payload) == {}


def test_filing_accepted_links_to_the_public_version_and_keeps_plain_language_name_period_and_totals():
    public = translate(internal("filings", "filing_accepted"), PORTAL)
    payload = public.payload
    assert public.type == "filing.accepted"
    assert payload["filing_url"] == f"{PORTAL}/api/filings/v1/filings/{payload['filing_id']}/versions/0"
    assert payload["form_name"] == "Recipient Committee Campaign Statement"
    assert (payload["period_start"], payload["period_end"]) == ("2026-01-01", "2026-06-30")
    assert payload["totals"] == {"contributions_received": "1500.00", "expenditures_made": "250.00"}


def test_a_private_field_added_upstream_never_reaches_the_public_event(monkeypatch):
    class FilingAcceptedWithSigner(InternalFilingAccepted):
        signer_email = fields.Email(required=True)

    key = ("filings", "filing_accepted", 1)
    load_all()
    monkeypatch.setitem(REGISTRY, key, dataclasses.replace(REGISTRY[key], schema=FilingAcceptedWithSigner))
    payload_schema.cache_clear()
    try:
        event = internal("filings", "filing_accepted", signer_email="treasurer-private@example.org")
        assert event["payload"]["signer_email"] == "treasurer-private@example.org"
        public = translate(event, PORTAL)
    finally:
        monkeypatch.undo()
        payload_schema.cache_clear()
    text = json.dumps(public.body(1))
    assert "signer_email" not in text
    assert "treasurer-private@example.org" not in text


def test_who_acted_and_why_a_fine_was_waived_stay_private():
    assessed = translate(internal("fees", "fine_assessed"), PORTAL)
    waived = translate(internal("fees", "fine_waived"), PORTAL)
    assert "actor" not in assessed.payload and "description" not in assessed.payload
    assert waived.payload == {
        "fine_id": "7d3e0b2c-1f4a-4c59-9e8d-2a6b5c4d3e21",
        "entity_id": "1400001",
        "waived_on": "2026-08-03",
        "waived_cents": 3000,
    }
    assert "hospitalised" not in json.dumps(waived.body(1))


def test_entity_registered_leaves_out_the_person_who_registered():
    public = translate(internal("filings", "entity_registered"), PORTAL)
    assert "registered_by" not in public.payload
    assert "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a" not in json.dumps(public.body(1))


def test_sandbox_data_never_becomes_public():
    assert translate(internal("filings", "filing_accepted", entity_id="S0000001"), PORTAL) is None
    assert translate(internal("filings", "entity_registered", entity_id="S0000002"), PORTAL) is None
    sandbox = internal("filings", "filing_accepted")
    sandbox["payload"]["space"] = "sandbox"
    assert translate(sandbox, PORTAL) is None


def test_internal_events_without_a_public_form_are_not_translated():
    assert translate(internal("fees", "payment_received"), PORTAL) is None
    assert translate(internal("fees", "fee_assessed"), PORTAL) is None


def test_the_same_internal_event_always_gives_the_same_public_event_id():
    event = internal("filings", "filing_accepted")
    assert translate(event, PORTAL).event_id == translate(event, PORTAL).event_id
    assert translate(internal("filings", "filing_accepted"), PORTAL).event_id != translate(event, PORTAL).event_id


def test_internal_correspondence_is_never_public():
    assert not any(producer == "correspondence" for producer, _type in TRANSLATIONS)
