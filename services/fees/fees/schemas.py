"""marshmallow schemas of the fees API."""

from marshmallow import Schema, fields


class FeeRuleOut(Schema):
    effective_from = fields.Date(required=True)
    amount_cents = fields.Integer(required=True)
    late_penalty_cents = fields.Integer(required=True)
    due_days_after_registration = fields.Integer(required=True)


class FeeScheduleOut(Schema):
    annual_fee = fields.List(fields.Nested(FeeRuleOut), required=True)
