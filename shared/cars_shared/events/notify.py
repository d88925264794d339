"""Events published by notify."""

from marshmallow import Schema, fields

from cars_shared.events.registry import event


@event(
    "notify",
    "email_sent",
    description="An e-mail was accepted by the mail server.",
    example={
        "email_id": "e5b4a5b2-4f7e-4db2-8e84-7d9fa0516273",
        "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "subject": "A new notice is in your CARS account",
    },
)
class EmailSent(Schema):
    email_id = fields.String(required=True)
    user_id = fields.String(required=True, allow_none=True)
    subject = fields.String(required=True)
