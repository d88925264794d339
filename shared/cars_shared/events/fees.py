"""Events published by fees."""

from marshmallow import Schema, fields, validate

from cars_shared.events.registry import event


@event(
    "fees",
    "fee_assessed",
    description="An annual fee was charged to an entity.",
    example={
        "assessment_id": "c3f2e3f0-2d5c-4b90-8c62-5b7d8e3f4051",
        "entity_id": "1400001",
        "entity_name": "Friends of Example for Assembly 2026",
        "fee_year": 2026,
        "amount_cents": 5000,
        "due_date": "2026-03-17",
        "late_penalty_cents": 15000,
    },
)
class FeeAssessed(Schema):
    assessment_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    fee_year = fields.Integer(required=True)
    amount_cents = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    late_penalty_cents = fields.Integer(required=True)


LEDGER_EXAMPLE = {
    "entity_id": "1400001",
    "effective_on": "2026-08-03",
}


class LedgerEntryRecorded(Schema):
    """What every ledger entry's event says: which entry of whose account, how much, why and by whom.

    `amount_cents` is positive when the entity owes it and negative when it is credited. `item_id` names the
    charge the entry belongs to (the entry that opened it); null for a credit applied to the oldest charges
    first. `actor` is `system:<job>` or `staff:<user id>`.
    """

    entry_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    kind = fields.String(required=True)
    amount_cents = fields.Integer(required=True)
    item_id = fields.String(required=True, allow_none=True)
    effective_on = fields.Date(required=True)
    description = fields.String(required=True)
    actor = fields.String(required=True)


@event(
    "fees",
    "penalty_assessed",
    description=(
        "An annual fee was not paid by its due date and the late payment penalty was charged. "
        "`fee_assessment_id` is the fee's assessment_id (as in fee_assessed)."
    ),
    example={
        **LEDGER_EXAMPLE,
        "entry_id": "5a0c7a4e-52a9-4b5e-a1a3-1c3e9a8b2d10",
        "kind": "late_payment_penalty",
        "amount_cents": 15000,
        "item_id": "5a0c7a4e-52a9-4b5e-a1a3-1c3e9a8b2d10",
        "description": "Late payment penalty: annual fee 2026 unpaid after 2026-03-17",
        "actor": "system:daily run",
        "entity_name": "Friends of Example for Assembly 2026",
        "fee_year": 2026,
        "fee_assessment_id": "c3f2e3f0-2d5c-4b90-8c62-5b7d8e3f4051",
        "fee_due_date": "2026-03-17",
        "due_date": "2026-08-03",
    },
)
class PenaltyAssessed(LedgerEntryRecorded):
    entity_name = fields.String(required=True)
    fee_year = fields.Integer(required=True)
    fee_assessment_id = fields.String(required=True)
    fee_due_date = fields.Date(required=True)
    due_date = fields.Date(required=True)


@event(
    "fees",
    "fine_assessed",
    description=(
        "A late filing fine accrued (or, once the filing's final lateness is known, was corrected): `amount_cents` "
        "is this entry, `fine_cents` the fine so far. The fine is capped at `cap_cents`: the greater of the amount "
        "the late filing reports and the minimum; `cap_basis` is `minimum` while the reported amount is not known. "
        "`final` once the filing arrived (accrual stopped)."
    ),
    example={
        **LEDGER_EXAMPLE,
        "entry_id": "7d3e0b2c-1f4a-4c59-9e8d-2a6b5c4d3e21",
        "kind": "late_filing_fine",
        "amount_cents": 3000,
        "item_id": "7d3e0b2c-1f4a-4c59-9e8d-2a6b5c4d3e21",
        "description": "Late filing fine: F460 2026-01-01 to 2026-06-30, 3 days late",
        "actor": "system:filings.filing_late",
        "entity_name": "Friends of Example for Assembly 2026",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "deadline": "2026-07-31",
        "days_late": 3,
        "filing_id": None,
        "fine_cents": 3000,
        "cap_cents": 10000,
        "cap_basis": "minimum",
        "final": False,
    },
)
class FineAssessed(LedgerEntryRecorded):
    entity_name = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    deadline = fields.Date(required=True)
    days_late = fields.Integer(required=True)
    filing_id = fields.String(required=True, allow_none=True)
    fine_cents = fields.Integer(required=True)
    cap_cents = fields.Integer(required=True)
    cap_basis = fields.String(required=True, validate=validate.OneOf(("minimum", "reported_amount")))
    final = fields.Boolean(required=True)


@event(
    "fees",
    "fine_waived",
    description="Staff waived a late filing fine (lateness not wilful), crediting what it charged, with the reason.",
    example={
        **LEDGER_EXAMPLE,
        "entry_id": "0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e",
        "kind": "waiver",
        "amount_cents": -3000,
        "item_id": "7d3e0b2c-1f4a-4c59-9e8d-2a6b5c4d3e21",
        "description": "Waiver: Late filing fine: F460 2026-01-01 to 2026-06-30",
        "actor": "staff:4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "reason": "Treasurer hospitalised during the filing period; documentation on file.",
    },
)
class FineWaived(LedgerEntryRecorded):
    reason = fields.String(required=True)


@event(
    "fees",
    "ledger_adjusted",
    description=(
        "Staff adjusted an account with a reason: a charge (positive) or a credit (negative), against one charge "
        "(`item_id`) or, for an unattached credit, applied to the oldest charges first (`item_id` null)."
    ),
    example={
        **LEDGER_EXAMPLE,
        "entry_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "kind": "adjustment",
        "amount_cents": -2000,
        "item_id": None,
        "description": "Adjustment",
        "actor": "staff:4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "reason": "Payment of 2025-12-30 received by mail and recorded in the legacy system.",
    },
)
class LedgerAdjusted(LedgerEntryRecorded):
    reason = fields.String(required=True)


@event(
    "fees",
    "ledger_entry_reversed",
    description="An entry was reversed (a correction): this entry cancels `reverses_entry_id`, with the reason.",
    example={
        **LEDGER_EXAMPLE,
        "entry_id": "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
        "kind": "reversal",
        "amount_cents": -5000,
        "item_id": "c3f2e3f0-2d5c-4b90-8c62-5b7d8e3f4051",
        "description": "Reversal of annual fee 2027",
        "actor": "system:filings.entity_terminated",
        "reverses_entry_id": "c3f2e3f0-2d5c-4b90-8c62-5b7d8e3f4051",
        "reason": "The entity terminated on 2026-12-20, before 2027 began.",
    },
)
class LedgerEntryReversed(LedgerEntryRecorded):
    reverses_entry_id = fields.String(required=True)
    reason = fields.String(required=True)


@event(
    "fees",
    "payment_reminder_due",
    description=(
        "A charge falls due in `days_before` days and `open_cents` of it is still unpaid: remind the entity. "
        "Published once per charge and reminder day."
    ),
    example={
        "item_id": "c3f2e3f0-2d5c-4b90-8c62-5b7d8e3f4051",
        "entity_id": "1400001",
        "entity_name": "Friends of Example for Assembly 2026",
        "kind": "annual_fee",
        "description": "Annual fee 2027",
        "open_cents": 5000,
        "due_date": "2027-01-15",
        "days_before": 7,
    },
)
class PaymentReminderDue(Schema):
    item_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    kind = fields.String(required=True)
    description = fields.String(required=True)
    open_cents = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    days_before = fields.Integer(required=True)


@event(
    "fees",
    "payment_received",
    description=(
        "A payment was received and credited to the entity's account (`amount_cents` negative): online through a "
        "payment provider (`method` online, with `provider` and `payment_intent_id`) or recorded by staff (a cheque "
        "or money order with its reference number). It pays the oldest charges first; what is left is held as "
        "credit. `balance_cents` and `unapplied_credit_cents` are the account's right after it. A refund is a "
        "ledger_entry_reversed of this entry."
    ),
    example={
        **LEDGER_EXAMPLE,
        "entry_id": "3e4f5a6b-7c8d-4e9f-0a1b-2c3d4e5f6a7b",
        "kind": "payment",
        "amount_cents": -5000,
        "item_id": None,
        "description": "Payment online (local 9f1c2b3a4d5e6f708192a3b4c5d6e7f8)",
        "actor": "system:payments.local",
        "method": "online",
        "reference": "9f1c2b3a4d5e6f708192a3b4c5d6e7f8",
        "provider": "local",
        "payment_intent_id": "4f5a6b7c-8d9e-4f0a-1b2c-3d4e5f6a7b8c",
        "received_on": "2026-08-03",
        "balance_cents": 0,
        "unapplied_credit_cents": 0,
    },
)
class PaymentReceived(LedgerEntryRecorded):
    method = fields.String(required=True, validate=validate.OneOf(("online", "cheque", "money_order", "cash")))
    reference = fields.String(required=True)
    provider = fields.String(required=True, allow_none=True)
    payment_intent_id = fields.String(required=True, allow_none=True)
    received_on = fields.Date(required=True)
    balance_cents = fields.Integer(required=True)
    unapplied_credit_cents = fields.Integer(required=True)
