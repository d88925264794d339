"""marshmallow schemas of the notify API."""

from marshmallow import Schema, fields, validate


class NoticeOut(Schema):
    id = fields.String(required=True)
    correspondence_id = fields.String(required=True)
    title = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True)


class NoticesOut(Schema):
    unread = fields.Integer(required=True, metadata={"description": "How many of the caller's notices are unread"})
    notices = fields.List(fields.Nested(NoticeOut), required=True)


class NoticesQuery(Schema):
    limit = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=200), metadata={"description": "How many, newest first"}
    )
