"""Events published by filings."""

from marshmallow import Schema, fields

from cars_shared.events.registry import event


@event(
    "filings",
    "entity_registered",
    description="A filing entity was registered (Form 410 and the like).",
    example={
        "entity_id": "1400001",
        "name": "Friends of Example for Assembly 2026",
        "entity_type": "recipient_committee",
        "registered_by": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "registered_on": "2026-03-02",
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
    },
)
class EntityRegistered(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    registered_by = fields.String(required=True)
    registered_on = fields.Date(required=True)
    filing_id = fields.String(required=True)


@event(
    "filings",
    "filing_accepted",
    description="A filing was accepted; its content is read from filings by id.",
    example={
        "filing_id": "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40",
        "entity_id": "1400001",
        "entity_name": "Friends of Example for Assembly 2026",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": 0,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "filed_at": "2026-07-31T17:00:00+00:00",
        "totals": {"contributions_received": "1500.00", "expenditures_made": "250.00"},
    },
)
class FilingAccepted(Schema):
    filing_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    amendment = fields.Integer(required=True)
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    filed_at = fields.AwareDateTime(required=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True), load_default=dict)
