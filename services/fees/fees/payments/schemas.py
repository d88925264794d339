"""marshmallow schemas of the payments routes and of the provider events the webhook takes."""

from marshmallow import Schema, ValidationError, fields, validate

from fees.payments.handlers import MAX_PAYMENT_CENTS, RECORDED_METHODS
from fees.payments.lifecycle import IntentStatus, ProviderEventKind, RefundStatus

ID = validate.Length(min=1, max=36)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def _cents(description: str) -> fields.Integer:
    return fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_PAYMENT_CENTS),
        metadata={"description": description},
    )


class IntentIn(Schema):
    amount_cents = _cents("What to pay now: part or all of the open balance not already being paid.")


class IntentOut(Schema):
    intent_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    amount_cents = fields.Integer(required=True)
    provider = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([str(status) for status in IntentStatus]))
    checkout_url = fields.String(required=True, metadata={"description": "Where the payer completes the payment."})
    created_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(
        required=True, metadata={"description": "Until then the intent holds its amount of the open balance."}
    )
    payment_entry_id = fields.String(
        allow_none=True, metadata={"description": "The ledger entry of the payment, once it succeeded."}
    )


class RecordedPaymentIn(Schema):
    amount_cents = _cents("The amount received.")
    method = fields.String(required=True, validate=validate.OneOf(RECORDED_METHODS))
    reference = fields.String(
        required=True,
        validate=[validate.Length(max=100), _not_blank],
        metadata={"description": "The cheque or money order number (recorded once per method)."},
    )
    received_on = fields.Date(required=True, metadata={"description": "The day the payment was received."})


class RefundIn(Schema):
    entry_id = fields.String(required=True, validate=ID, metadata={"description": "The payment's ledger entry."})
    reason = fields.String(required=True, validate=[validate.Length(max=2000), _not_blank])


class RefundOut(Schema):
    """An online payment's refund, sent to its provider; the payment is reversed once the provider confirms."""

    refund_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    payment_entry_id = fields.String(required=True, metadata={"description": "The payment refunded."})
    amount_cents = fields.Integer(required=True)
    provider = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([str(status) for status in RefundStatus]))
    reason = fields.String(required=True)
    requested_by = fields.String(required=True)
    requested_at = fields.AwareDateTime(required=True)
    reversal_entry_id = fields.String(
        allow_none=True, metadata={"description": "The payment's reversal in the ledger, once the refund succeeded."}
    )


class CheckoutIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("pay", "cancel")))


class ProviderPaymentDoc(Schema):
    payment_id = fields.String(required=True)
    amount_cents = fields.Integer(required=True)
    currency = fields.String()
    refund_id = fields.String(metadata={"description": "The provider's id of the refund, on a refund event."})


class ProviderEventDoc(Schema):
    """A provider event as delivered (read from the raw body once its signature is verified)."""

    id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf([str(kind) for kind in ProviderEventKind]))
    created = fields.Integer(required=True, metadata={"description": "Unix seconds."})
    data = fields.Nested(ProviderPaymentDoc, required=True)


class WebhookOut(Schema):
    event_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(("applied", "changed", "ignored")))
