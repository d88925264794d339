"""marshmallow schemas of statements of account and the receivables report."""

from marshmallow import Schema, fields

from fees.domain.aging import AGING_BUCKETS


class AsOfQuery(Schema):
    as_of = fields.Date(
        load_default=None, metadata={"description": "The day, YYYY-MM-DD (default: today in California)."}
    )


AgingOut = Schema.from_dict(
    {
        bucket.key: fields.Integer(required=True, metadata={"description": f"Cents {bucket.label.lower()}."})
        for bucket in AGING_BUCKETS
    },
    name="Aging",
)
"""Open cents by aging bucket (the buckets are data: fees.domain.aging)."""


class StatementEntityOut(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    registered_on = fields.Date(allow_none=True)
    terminated_on = fields.Date(allow_none=True)


class StatementEntryOut(Schema):
    entry_id = fields.String(required=True)
    effective_on = fields.Date(required=True)
    recorded_at = fields.AwareDateTime(required=True)
    kind = fields.String(required=True)
    description = fields.String(required=True)
    amount_cents = fields.Integer(required=True, metadata={"description": "Positive: owed; negative: credited."})
    balance_cents = fields.Integer(required=True, metadata={"description": "The balance after this entry."})
    item_id = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    fee_year = fields.Integer(allow_none=True)
    form = fields.String(allow_none=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    filing_id = fields.String(allow_none=True)
    reverses_entry_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    actor = fields.String(required=True, metadata={"description": "system or staff (staff see who)."})


class StatementItemOut(Schema):
    item_id = fields.String(required=True)
    kind = fields.String(required=True)
    description = fields.String(required=True)
    due_on = fields.Date(required=True)
    charged_cents = fields.Integer(required=True)
    paid_cents = fields.Integer(required=True, metadata={"description": "Credits applied to it, oldest first."})
    open_cents = fields.Integer(required=True)
    days_past_due = fields.Integer(required=True)
    aging = fields.String(allow_none=True)


class LateFilingFineOut(Schema):
    item_id = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    deadline = fields.Date(required=True)
    days_late = fields.Integer(required=True)
    filing_id = fields.String(allow_none=True)
    filed_on = fields.Date(allow_none=True)
    status = fields.String(required=True, metadata={"description": "accruing, final or waived."})
    fine_cents = fields.Integer(required=True)
    cap_cents = fields.Integer(required=True)
    cap_basis = fields.String(
        required=True,
        metadata={"description": "minimum while the amount the late filing reports is not known."},
    )
    notice_sent_on = fields.Date(allow_none=True)


class StatementOut(Schema):
    entity = fields.Nested(StatementEntityOut, required=True)
    as_of = fields.Date(required=True)
    balance_cents = fields.Integer(required=True, metadata={"description": "Owed (negative: held as credit)."})
    open_cents = fields.Integer(required=True)
    unapplied_credit_cents = fields.Integer(required=True)
    aging = fields.Nested(AgingOut, required=True)
    items = fields.List(fields.Nested(StatementItemOut), required=True)
    entries = fields.List(fields.Nested(StatementEntryOut), required=True)
    late_filing_fines = fields.List(fields.Nested(LateFilingFineOut), required=True)


class AgingBucketOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)


class ReceivablesLineOut(Schema):
    entity_type = fields.String(required=True)
    entities_owing = fields.Integer(required=True)
    by_bucket = fields.Nested(AgingOut, required=True)
    open_cents = fields.Integer(required=True)
    entities_in_credit = fields.Integer(required=True)
    credit_cents = fields.Integer(required=True)


class ReceivablesOut(Schema):
    as_of = fields.Date(required=True)
    buckets = fields.List(fields.Nested(AgingBucketOut), required=True)
    lines = fields.List(fields.Nested(ReceivablesLineOut), required=True)
    total = fields.Nested(ReceivablesLineOut, required=True)
