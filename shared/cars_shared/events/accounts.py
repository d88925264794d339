"""Events published by accounts."""

from marshmallow import Schema, fields, validate

from cars_shared.events.registry import event

ROLES_ON_ENTITY = ("officer", "agent", "viewer")


@event(
    "accounts",
    "user_registered",
    description="A person created an account.",
    example={"user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a", "username": "jdoe", "email": "jdoe@example.org"},
)
class UserRegistered(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.Email(required=True)


@event(
    "accounts",
    "entity_link_approved",
    description="A user may now act for an entity with the given role.",
    example={"user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a", "entity_id": "1400001", "role": "officer"},
)
class EntityLinkApproved(Schema):
    user_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES_ON_ENTITY))
