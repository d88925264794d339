"""marshmallow schemas of the public alert routes."""

from marshmallow import Schema, fields, validate

from notify.domain.alerts import SUBSCRIPTION_STATUSES

ENTITY_ID = validate.Regexp(r"^[A-Za-z0-9-]{1,40}$", error="Not a filer id.")
TOKEN = validate.Length(min=1, max=100)


class SubscriptionRequest(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    entity_id = fields.String(required=True, validate=ENTITY_ID, metadata={"description": "The filer to follow"})


class SubscriptionRequested(Schema):
    detail = fields.String(required=True)


class ConfirmQuery(Schema):
    subscription = fields.UUID(required=True)
    expires = fields.Integer(required=True, validate=validate.Range(min=0, max=2**40))
    token = fields.String(required=True, validate=TOKEN)


class UnsubscribeQuery(Schema):
    subscription = fields.UUID(required=True)
    token = fields.String(required=True, validate=TOKEN)


class SubscriptionOut(Schema):
    entity_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(SUBSCRIPTION_STATUSES))
