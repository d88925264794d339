"""marshmallow schemas of the vendor webhook and certification routes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from filings.domain import certification
from filings.domain.webhooks import DELIVERY_STATUSES, MAX_URL_LENGTH, SIGNATURE_HEADER
from filings.vendors.models import SCENARIO_STATUSES

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class WebhookIn(Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_URL_LENGTH),
        metadata={"description": "An https:// URL of your server that receives a POST for each decided submission."},
    )
    rotate_secret = fields.Boolean(
        load_default=False,
        metadata={"description": "Issue a new signing secret; the old one stops signing at once."},
    )


class WebhookOut(Schema):
    url = fields.String(required=True)
    secret_created_at = fields.AwareDateTime(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    signature_header = fields.Constant(
        SIGNATURE_HEADER,
        metadata={
            "description": "The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>`, keyed "
            "by the signing secret. Refuse deliveries whose t is more than 5 minutes away from your clock."
        },
    )


class WebhookConfiguredOut(WebhookOut):
    signing_secret = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Shown only in the answer that creates or rotates it (null otherwise). CARS keeps it "
            "to sign deliveries but never shows it again: store it safely."
        },
    )


class DeliveryOut(Schema):
    delivery_id = fields.String(required=True, metadata={"description": "Also sent as the Cars-Delivery header."})
    submission_id = fields.String(required=True)
    event = fields.String(required=True)
    url = fields.String(required=True, allow_none=True, metadata={"description": "Where it is sent."})
    status = fields.String(required=True, validate=validate.OneOf(DELIVERY_STATUSES))
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.AwareDateTime(required=True, allow_none=True)
    last_attempt_at = fields.AwareDateTime(required=True, allow_none=True)
    last_status_code = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True)
    delivered_at = fields.AwareDateTime(required=True, allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    payload = fields.Dict(required=True, metadata={"description": "The JSON body sent."})


class DeliveryListOut(Schema):
    deliveries = fields.List(fields.Nested(DeliveryOut), required=True)
    next_before = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `before` for the next (older) page; null on the last page."},
    )


class DeliveryQuery(Schema):
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    before = fields.String(
        validate=validate.Regexp(UUID_PATTERN, error="Not a delivery id."),
        metadata={"description": "A delivery id: list the deliveries older than it."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class ScenarioOut(Schema):
    code = fields.String(required=True, validate=validate.OneOf(certification.SCENARIO_CODES))
    title = fields.String(required=True)
    form = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf((certification.ACCEPTED, certification.REJECTED)))
    version = fields.String(required=True, validate=validate.OneOf(tuple(certification.Version)))
    instructions = fields.String(required=True)
    expected_problems = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "For a rejection: exactly these error paths; `*` stands for any line number."},
    )


class ScenarioListOut(Schema):
    scenarios = fields.List(fields.Nested(ScenarioOut), required=True)


class ScenarioStandingOut(ScenarioOut):
    status = fields.String(
        required=True,
        validate=validate.OneOf(("not_attempted", *SCENARIO_STATUSES)),
        metadata={"description": "not_attempted, failing (see last_failure) or passed."},
    )
    passed_submission_id = fields.String(required=True, allow_none=True)
    passed_filing_id = fields.String(required=True, allow_none=True)
    passed_at = fields.AwareDateTime(required=True, allow_none=True)
    last_attempt_submission_id = fields.String(required=True, allow_none=True)
    last_attempt_at = fields.AwareDateTime(required=True, allow_none=True)
    last_failure = fields.String(required=True, allow_none=True)


class CertificationOut(Schema):
    vendor_id = fields.String(required=True)
    all_passed = fields.Boolean(required=True)
    all_passed_at = fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={"description": "When every scenario had first passed; staff may then certify the vendor."},
    )
    scenarios = fields.List(fields.Nested(ScenarioStandingOut), required=True)
