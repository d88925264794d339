"""Events published by fees."""

from marshmallow import Schema, fields

from cars_shared.events.registry import event


@event(
    "fees",
    "fee_assessed",
    description="An annual fee was charged to an entity.",
    example={
        "assessment_id": "c3f2e3f0-2d5c-4b90-8c62-5b7d8e3f4051",
        "entity_id": "1400001",
        "entity_name": "Friends of Example for Assembly 2026",
        "fee_year": 2026,
        "amount_cents": 5000,
        "due_date": "2026-03-17",
        "late_penalty_cents": 15000,
    },
)
class FeeAssessed(Schema):
    assessment_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    fee_year = fields.Integer(required=True)
    amount_cents = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    late_penalty_cents = fields.Integer(required=True)
