"""marshmallow schemas of the staff routes."""

from marshmallow import Schema, ValidationError, fields, validate

from fees.staff.handlers import MAX_ADJUSTMENT_CENTS

ID = validate.Length(min=1, max=36)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Give a reason.")


def reason_field() -> fields.String:
    return fields.String(
        required=True,
        validate=[validate.Length(max=2000), _not_blank],
        metadata={"description": "Why; kept in the ledger entry and shown on the statement."},
    )


class WaiverIn(Schema):
    item_id = fields.String(required=True, validate=ID, metadata={"description": "The late filing fine."})
    reason = reason_field()
    wilful = fields.Boolean(
        required=True, metadata={"description": "Staff's finding on the lateness; a wilful one is not waived."}
    )


class AdjustmentIn(Schema):
    amount_cents = fields.Integer(
        required=True,
        strict=True,
        validate=validate.And(
            validate.Range(min=-MAX_ADJUSTMENT_CENTS, max=MAX_ADJUSTMENT_CENTS),
            validate.NoneOf((0,), error="An adjustment moves money: not zero cents."),
        ),
        metadata={"description": "Positive: charged; negative: credited. Not zero."},
    )
    reason = reason_field()
    item_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={"description": "The charge adjusted; none: a charge of its own, or a credit applied oldest first."},
    )


class ReversalIn(Schema):
    entry_id = fields.String(required=True, validate=ID)
    reason = reason_field()


class NoticeIn(Schema):
    item_id = fields.String(required=True, validate=ID, metadata={"description": "The late filing fine."})
    sent_on = fields.Date(required=True, metadata={"description": "The day the written notice was sent."})


class EntryOut(Schema):
    entry_id = fields.String(required=True, attribute="id")
    entity_id = fields.String(required=True)
    kind = fields.String(required=True)
    amount_cents = fields.Integer(required=True)
    item_id = fields.String(allow_none=True)
    effective_on = fields.Date(required=True)
    recorded_at = fields.AwareDateTime(required=True)
    description = fields.String(required=True)
    reason = fields.String(allow_none=True)
    reverses_entry_id = fields.String(allow_none=True, attribute="reverses_id")


class NoticeOut(Schema):
    item_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    notice_sent_on = fields.Date(required=True)
    status = fields.String(required=True)


class StaffActionsQuery(Schema):
    entity_id = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class StaffActionOut(Schema):
    action_id = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    actor_id = fields.String(required=True)
    client = fields.String(allow_none=True)
    action = fields.String(required=True)
    entity_id = fields.String(allow_none=True)
    target_id = fields.String(allow_none=True)
    detail = fields.Dict(required=True)
    outcome = fields.String(required=True)
    outcome_detail = fields.String(allow_none=True)


class StaffActionListOut(Schema):
    items = fields.List(fields.Nested(StaffActionOut), required=True)


class AssessmentRunOut(Schema):
    run_id = fields.String(required=True)
    fee_year = fields.Integer(required=True)
    assessed_on = fields.Date(required=True)
    requested_by = fields.String(required=True)
    started_at = fields.AwareDateTime(required=True)
    finished_at = fields.AwareDateTime(allow_none=True)
    entities_to_assess = fields.Integer(required=True)
    entities_assessed = fields.Integer(required=True)
    batches = fields.Integer(required=True)


class AssessmentRunListOut(Schema):
    items = fields.List(fields.Nested(AssessmentRunOut), required=True)
