"""Events published by correspondence."""

from marshmallow import Schema, fields

from cars_shared.events.registry import event


@event(
    "correspondence",
    "correspondence_issued",
    description="A formal notice was issued and is waiting in the recipient's account.",
    example={
        "correspondence_id": "d4a3f4a1-3e6d-4ca1-9d73-6c8e9f405162",
        "number": "C-2026-000001",
        "kind": "annual_fee_notice",
        "title": "Annual Fee Notice 2026",
        "entity_id": "1400001",
        "user_id": None,
        "issued_at": "2026-03-02T17:00:00+00:00",
    },
)
class CorrespondenceIssued(Schema):
    correspondence_id = fields.String(required=True)
    number = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    entity_id = fields.String(required=True, allow_none=True)
    user_id = fields.String(required=True, allow_none=True)
    issued_at = fields.AwareDateTime(required=True)
