"""marshmallow schemas of the public fee schedule."""

from marshmallow import Schema, fields


class AnnualFeeRuleOut(Schema):
    effective_from = fields.Date(required=True)
    amount_cents = fields.Integer(required=True)
    due_month = fields.Integer(required=True)
    due_day = fields.Integer(required=True)
    due_days_after_registration = fields.Integer(required=True)
    due_days_after_late_assessment = fields.Integer(required=True)
    committee_types = fields.List(fields.String(), required=True)
    lobbying_types = fields.List(fields.String(), required=True)
    exempt_next_year_from_month = fields.Integer(required=True)
    report_only_registrations = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Forms putting a lobbying entity on file without registering it: no fee."},
    )
    due_on_business_day = fields.Boolean(
        required=True,
        metadata={"description": "A due date on a weekend or state holiday moves to the next business day."},
    )


class LatePaymentRuleOut(Schema):
    effective_from = fields.Date(required=True)
    penalty_cents = fields.Integer(required=True)


class LateFilingRuleOut(Schema):
    effective_from = fields.Date(required=True)
    per_day_cents = fields.Integer(required=True)
    minimum_cap_cents = fields.Integer(required=True)
    notice_period_days = fields.Integer(required=True)


class ReminderRuleOut(Schema):
    effective_from = fields.Date(required=True)
    days_before = fields.List(fields.Integer(), required=True)


class AgingBucketRuleOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    min_days_past_due = fields.Integer(allow_none=True)
    max_days_past_due = fields.Integer(allow_none=True)


class FeeScheduleOut(Schema):
    annual_fee = fields.List(fields.Nested(AnnualFeeRuleOut), required=True)
    late_payment = fields.List(fields.Nested(LatePaymentRuleOut), required=True)
    late_filing = fields.List(fields.Nested(LateFilingRuleOut), required=True)
    reminders = fields.List(fields.Nested(ReminderRuleOut), required=True)
    aging_buckets = fields.List(fields.Nested(AgingBucketRuleOut), required=True)
