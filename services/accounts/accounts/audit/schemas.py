"""marshmallow schemas of the audit log routes."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

MAX_PAGE = 500


class AuditQuery(Schema):
    actor_id = fields.String(validate=validate.Length(min=1, max=64))
    action = fields.String(validate=validate.Length(min=1, max=80))
    target = fields.String(validate=validate.Length(min=1, max=200))
    since = fields.AwareDateTime(metadata={"description": "Entries at or after this instant."})
    until = fields.AwareDateTime(metadata={"description": "Entries before this instant."})

    @validates_schema
    def period_in_order(self, data: dict, **_kwargs: object) -> None:
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ValidationError("`until` must not be before `since`.", "until")


class AuditPageQuery(AuditQuery):
    before = fields.Integer(
        validate=validate.Range(min=1, max=2**62),
        metadata={"description": "Keyset cursor: entries with a sequence number below this (`next_before`)."},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE))


class AuditEntryOut(Schema):
    sequence = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    actor_id = fields.String(allow_none=True)
    action = fields.String(required=True)
    target = fields.String(allow_none=True)
    outcome = fields.String(required=True)
    client = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)
    hash = fields.String(required=True)


class AuditPageOut(Schema):
    items = fields.List(fields.Nested(AuditEntryOut), required=True)
    next_before = fields.Integer(allow_none=True, metadata={"description": "Pass as `before` for the next page."})


class ChainVerdictOut(Schema):
    intact = fields.Boolean(required=True)
    entries_checked = fields.Integer(required=True)
    broken_at = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
