"""marshmallow schemas of the submission routes."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from filings.domain.intake import Space, SubmissionStatus
from filings.domain.webhooks import MAX_URL_LENGTH

MAX_PAGE = 200
PRINTABLE = r"^[\x21-\x7e]+$"
"""Visible ASCII: what an HTTP header may carry unambiguously."""
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class SubmissionHeaders(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=[validate.Length(min=1, max=255), validate.Regexp(PRINTABLE)],
        metadata={
            "description": (
                "Makes a retried submission safe: the same key with the same document answers the submission "
                "made the first time (200); the same key with another document is refused (409)."
            ),
            "example": "6f1c2d3e-retry-safe-key",
        },
    )
    webhook_url = fields.String(
        data_key="Cars-Webhook-Url",
        validate=validate.Length(min=1, max=MAX_URL_LENGTH),
        metadata={
            "description": (
                "Vendor software only: where to POST the signed webhook once this submission is decided, on the "
                "server of the vendor's registered webhook (https)."
            ),
            "example": "https://vendor.example/cars/webhooks",
        },
    )


class PeriodDocument(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class AmendsDocument(Schema):
    filing_id = fields.String(required=True, validate=validate.Regexp(UUID))
    amendment = fields.Integer(required=True, validate=validate.Range(min=0), metadata={"example": 0})


class VerificationDocument(Schema):
    signer_id = fields.String(required=True, metadata={"description": "The signer's CARS user id"})
    signer_name = fields.String(required=True, metadata={"example": "Terry Treasurer"})
    agrees = fields.Boolean(
        required=True, metadata={"description": "The signer agrees to the verification statement of the form."}
    )


class SubmissionDocument(Schema):
    """The submission document: the envelope, and the form's parts as its declaration names them."""

    form = fields.String(required=True, metadata={"example": "F460"})
    entity_id = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[A-Za-z0-9]{1,20}$"),
        metadata={
            "description": "The filer ID; absent or null only for the original of a registration creating an entity.",
            "example": "2000001",
        },
    )
    period = fields.Nested(PeriodDocument, allow_none=True, metadata={"description": "Required by periodic reports"})
    amends = fields.Nested(
        AmendsDocument,
        allow_none=True,
        metadata={"description": "For an amendment: the filing and its current version"},
    )
    verification = fields.Nested(VerificationDocument, required=True)
    parts = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={"description": "Each part of the form: an object for a record part, a list for line items"},
    )


class ProblemOut(Schema):
    level = fields.String(required=True, validate=validate.OneOf(["error", "warning"]))
    path = fields.String(required=True, metadata={"example": "parts.schedule_a.12.employer"})
    part = fields.String(allow_none=True, metadata={"example": "schedule_a"})
    line = fields.Integer(allow_none=True, metadata={"description": "Line number within the part, from 1"})
    field = fields.String(allow_none=True, metadata={"example": "employer"})
    message = fields.String(required=True)


class SubmissionSummaryOut(Schema):
    submission_id = fields.String(required=True)
    space = fields.String(required=True, validate=validate.OneOf([space.value for space in Space]))
    status = fields.String(
        required=True,
        validate=validate.OneOf([status.value for status in SubmissionStatus]),
        metadata={
            "description": (
                "received, validating (a submission of 256 KiB or more, while it is checked), accepted or rejected"
            )
        },
    )
    form = fields.String(allow_none=True, metadata={"example": "F460"})
    entity_id = fields.String(allow_none=True, metadata={"description": "Set on acceptance for a new registration"})
    filing_id = fields.String(allow_none=True, metadata={"description": "The filing, once accepted"})
    amendment = fields.Integer(allow_none=True, metadata={"description": "The version number, once accepted"})
    received_at = fields.AwareDateTime(required=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    error_count = fields.Integer(required=True)
    warning_count = fields.Integer(required=True)


class SubmissionOut(SubmissionSummaryOut):
    """A submission's status resource."""

    amends_filing_id = fields.String(allow_none=True)
    amends_amendment = fields.Integer(allow_none=True)
    errors = fields.List(fields.Nested(ProblemOut), required=True, metadata={"description": "Why it was rejected"})
    warnings = fields.List(
        fields.Nested(ProblemOut),
        required=True,
        metadata={"description": "Shown with the filing; they do not reject it"},
    )


class Cursor(fields.String):
    """A keyset cursor over (received_at, submission_id), opaque to clients."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        received_at, submission_id = value
        return base64.urlsafe_b64encode(f"{received_at.isoformat()}|{submission_id}".encode()).decode()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple[datetime, str]:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            received_at, submission_id = base64.urlsafe_b64decode(text.encode("ascii")).decode().split("|")
            moment = datetime.fromisoformat(received_at)
        except (ValueError, UnicodeError, binascii.Error):
            raise ValidationError("Not a cursor this API gave out: pass `next_before` as it is.") from None
        if moment.tzinfo is None or len(submission_id) > 36:
            raise ValidationError("Not a cursor this API gave out: pass `next_before` as it is.")
        return moment, submission_id


class SubmissionPageQuery(Schema):
    before = Cursor(metadata={"description": "Keyset cursor: the `next_before` of the previous page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))
    status = fields.String(validate=validate.OneOf([status.value for status in SubmissionStatus]))


class SubmissionPageOut(Schema):
    items = fields.List(fields.Nested(SubmissionSummaryOut), required=True)
    next_before = Cursor(allow_none=True, metadata={"description": "Pass as `before` for the next page."})
