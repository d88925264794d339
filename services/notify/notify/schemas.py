"""marshmallow schemas of the notify API."""

from marshmallow import Schema, fields, validate

from notify.domain.preferences import DELIVERIES, NOTICE_KINDS


class NoticeOut(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": f"One of {', '.join(NOTICE_KINDS)}"})
    correspondence_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The correspondence told of, if the notice is one"}
    )
    title = fields.String(required=True)
    link = fields.String(required=True, allow_none=True, metadata={"description": "Where to read it in the portal"})
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True)


class NoticesOut(Schema):
    unread = fields.Integer(required=True, metadata={"description": "How many of the caller's notices are unread"})
    notices = fields.List(fields.Nested(NoticeOut), required=True)


class NoticesQuery(Schema):
    limit = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=200), metadata={"description": "How many, newest first"}
    )


class PreferenceSchema(Schema):
    email_kinds = fields.List(
        fields.String(validate=validate.OneOf(NOTICE_KINDS)),
        required=True,
        metadata={"description": "Kinds of notice also sent by e-mail (every notice is on the dashboard)"},
    )
    delivery = fields.String(
        required=True,
        validate=validate.OneOf(DELIVERIES),
        metadata={"description": "immediate: one e-mail per notice; daily_digest: one e-mail a day listing them"},
    )


class FailedEmailOut(Schema):
    id = fields.String(required=True)
    user_id = fields.String(required=True, allow_none=True)
    subscription_id = fields.String(required=True, allow_none=True)
    recipient = fields.String(required=True)
    subject = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class FailedEmailsOut(Schema):
    emails = fields.List(fields.Nested(FailedEmailOut), required=True)


class FailedEmailsQuery(Schema):
    limit = fields.Integer(
        load_default=100, validate=validate.Range(min=1, max=500), metadata={"description": "How many, newest first"}
    )
