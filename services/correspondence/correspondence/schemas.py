"""marshmallow schemas of the correspondence API."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from correspondence.domain.compliance_letter import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH
from correspondence.domain.kinds import KINDS


class MineQuery(Schema):
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "At most this many, newest first."},
    )
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={"description": "Only correspondence of this kind."})
    issued_from = fields.Date(metadata={"description": "Only what was issued on or after this day (Pacific time)."})
    issued_to = fields.Date(metadata={"description": "Only what was issued on or before this day (Pacific time)."})
    entity_id = fields.String(
        validate=validate.Length(min=1, max=20), metadata={"description": "Only what is addressed to this entity."}
    )
    unread = fields.Boolean(load_default=False, metadata={"description": "Only what the caller has not marked read."})

    @validates_schema
    def days_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("issued_from") and data.get("issued_to") and data["issued_from"] > data["issued_to"]:
            raise ValidationError("Must not be before issued_from.", "issued_to")


class CorrespondenceOut(Schema):
    id = fields.String(required=True, metadata={"format": "uuid"})
    number = fields.String(required=True, metadata={"example": "C-2026-000001"})
    kind = fields.String(required=True, metadata={"example": "annual_fee_notice"})
    title = fields.String(required=True, metadata={"example": "Annual Fee Notice 2026"})
    entity_id = fields.String(required=True, allow_none=True)
    user_id = fields.String(required=True, allow_none=True)
    template_version = fields.String(required=True)
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 (hex) of the PDF."})
    size = fields.Integer(required=True, metadata={"description": "Size of the PDF in bytes."})
    issued_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(
        required=True, allow_none=True, metadata={"description": "When the caller marked it read; null if unread."}
    )
    pdf_url = fields.Method("pdf_url_of", required=True, metadata={"type": "string"})

    def pdf_url_of(self, correspondence: Any) -> str:
        return f"/api/correspondence/{correspondence['id']}/pdf"


class CorrespondenceListOut(Schema):
    items = fields.List(fields.Nested(CorrespondenceOut), required=True)


class ComplianceLetterIn(Schema):
    request_id = fields.UUID(
        required=True,
        metadata={"description": "Chosen by the caller; sending the same request again issues no second letter."},
    )
    entity_id = fields.String(required=True, validate=validate.Length(min=1, max=20))
    entity_name = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Name to address the letter to; default: the entity's name on record."},
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=MAX_SUBJECT_LENGTH))
    body = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_BODY_LENGTH),
        metadata={"description": "The letter's text; a blank line starts a new paragraph."},
    )


class StaffActionsQuery(Schema):
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "At most this many, newest first."},
    )


class StaffActionOut(Schema):
    id = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    actor_id = fields.String(required=True)
    client = fields.String(required=True, allow_none=True)
    action = fields.String(required=True, metadata={"example": "compliance_letter.issued"})
    correspondence_id = fields.String(required=True)
    entity_id = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)


class StaffActionListOut(Schema):
    items = fields.List(fields.Nested(StaffActionOut), required=True)


class KindProgressOut(Schema):
    kind = fields.String(required=True, metadata={"example": "annual_fee_notice"})
    pending = fields.Integer(required=True, metadata={"description": "Recorded, waiting for its PDF to be drawn."})
    failed = fields.Integer(
        required=True, metadata={"description": "Could not be drawn after every attempt; see the worker's log."}
    )
    issued = fields.Integer(required=True, metadata={"description": "Issued with its PDF stored."})


class IssueProgressOut(Schema):
    kinds = fields.List(fields.Nested(KindProgressOut), required=True)
