"""marshmallow schemas of the correspondence API."""

from typing import Any

from marshmallow import Schema, fields, validate


class MineQuery(Schema):
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "At most this many, newest first."},
    )


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
    pdf_url = fields.Method("pdf_url_of", required=True, metadata={"type": "string"})

    def pdf_url_of(self, correspondence: Any) -> str:
        return f"/api/correspondence/{correspondence.id}/pdf"


class CorrespondenceListOut(Schema):
    items = fields.List(fields.Nested(CorrespondenceOut), required=True)
