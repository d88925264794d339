"""marshmallow schemas of the partner routes: the feed, webhooks and their dead letters."""

from marshmallow import Schema, fields, validate

from notify.partners.contracts import TYPES
from notify.partners.feed import MAX_PAGE

MAX_WAIT_SECONDS = 30
EVENT_TYPE = validate.OneOf(TYPES)


class FeedQuery(Schema):
    after = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The `next` cursor of an earlier answer; without it the feed starts at its oldest"},
    )
    type = fields.List(
        fields.String(validate=EVENT_TYPE), load_default=list, metadata={"description": "Only these event types"}
    )
    entity_id = fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "Only this entity"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE))
    wait = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=MAX_WAIT_SECONDS),
        metadata={"description": "Seconds to wait for an event when there is none yet (long-poll)"},
    )


class FeedPage(Schema):
    events = fields.List(
        fields.Dict(), required=True, metadata={"description": "Public events in order, as in the catalogue"}
    )
    next = fields.String(required=True, metadata={"description": "Opaque cursor to ask from next"})


class WebhookIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    event_types = fields.List(
        fields.String(validate=EVENT_TYPE),
        required=True,
        validate=validate.Length(min=1, max=len(TYPES)),
        metadata={"description": "The public event types to receive"},
    )


class WebhookOut(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Set while retrying an event"})
    last_error = fields.String(allow_none=True)


class WebhookCreated(WebhookOut):
    signing_secret = fields.String(
        required=True, metadata={"description": "Checks the Cars-Signature of deliveries; shown this once"}
    )


class WebhooksOut(Schema):
    webhooks = fields.List(fields.Nested(WebhookOut), required=True)


class DeadLettersQuery(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class DeadLetterOut(Schema):
    id = fields.String(required=True)
    sequence = fields.Integer(required=True)
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "dead, redelivery_requested or redelivered"})
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    failed_at = fields.AwareDateTime(required=True)
    redelivered_at = fields.AwareDateTime(allow_none=True)


class DeadLettersOut(Schema):
    dead_letters = fields.List(fields.Nested(DeadLetterOut), required=True)


class CatalogueOut(Schema):
    exchange = fields.String(required=True, metadata={"description": "The AMQP topic exchange partners bind to"})
    events = fields.List(
        fields.Dict(),
        required=True,
        metadata={"description": "Per event type and version: routing key, description, JSON Schema, example"},
    )


class AsyncApiOut(Schema):
    asyncapi = fields.String(required=True, metadata={"description": "AsyncAPI version of the document (2.6.0)"})
    id = fields.String()
    info = fields.Dict(required=True)
    servers = fields.Dict()
    defaultContentType = fields.String()  # noqa: N815 - the AsyncAPI field's name
    channels = fields.Dict(required=True)
    components = fields.Dict()
