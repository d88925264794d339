"""marshmallow schemas of the print queue routes; no schema here has a field for the access code."""

from typing import Any

from marshmallow import Schema, fields, validate

from correspondence.domain import access_code_letter as rules

MAX_BATCH = 200
LETTER_IDS = fields.List(
    fields.UUID(),
    required=True,
    validate=validate.Length(min=1, max=MAX_BATCH),
    metadata={"description": f"Ids of the letters, 1 to {MAX_BATCH}, in the order they are printed."},
)


class LettersQuery(Schema):
    status = fields.String(
        load_default=rules.AWAITING_MAILING,
        validate=validate.OneOf(rules.STATUSES),
        metadata={"description": "Letters in this status (default: waiting to be mailed)."},
    )
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "At most this many, oldest first."},
    )


class MailingAddressOut(Schema):
    street = fields.String(required=True)
    city = fields.String(required=True)
    state = fields.String(required=True)
    zip = fields.String(required=True)


class AccessCodeLetterOut(Schema):
    id = fields.String(required=True, metadata={"format": "uuid"})
    number = fields.String(required=True, metadata={"example": "C-2026-000042"})
    code_id = fields.String(required=True, metadata={"description": "The code's id in accounts (not the code)."})
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    mailing_address = fields.Nested(
        MailingAddressOut,
        required=True,
        allow_none=True,
        metadata={"description": "The address of record; null when the letter is undeliverable."},
    )
    expires_on = fields.Date(required=True)
    issued_by = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(rules.STATUSES))
    holds_document = fields.Method(
        "holds_document_of",
        required=True,
        metadata={"type": "boolean", "description": "Whether the PDF (with the code) is still kept."},
    )
    print_count = fields.Integer(required=True)
    last_printed_at = fields.AwareDateTime(required=True, allow_none=True)
    last_printed_by = fields.String(required=True, allow_none=True)
    mailed_on = fields.Date(required=True, allow_none=True)
    mailed_by = fields.String(required=True, allow_none=True)
    resolved_at = fields.AwareDateTime(required=True, allow_none=True)
    resolved_by = fields.String(required=True, allow_none=True)
    resolution = fields.String(required=True, allow_none=True)
    closed_at = fields.AwareDateTime(required=True, allow_none=True)

    def holds_document_of(self, letter: Any) -> bool:
        return rules.holds_document(letter.status)


class AccessCodeLetterListOut(Schema):
    items = fields.List(fields.Nested(AccessCodeLetterOut), required=True)


class PrintBatchIn(Schema):
    letter_ids = LETTER_IDS


class MailedIn(Schema):
    letter_ids = LETTER_IDS
    mailed_on = fields.Date(metadata={"description": "The day the letters went into the mail (default: today)."})


class ResolutionIn(Schema):
    resolution = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=2000),
            validate.Regexp(r"\s*\S", error="Say what was done about the letter."),
        ],
        metadata={"description": "What staff did about the missing address, e.g. a new code requested."},
    )


class PrintQueueLogQuery(Schema):
    letter_id = fields.UUID(metadata={"description": "Only the actions on this letter."})
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "At most this many, newest first."},
    )


class PrintQueueLogEntryOut(Schema):
    action_id = fields.String(required=True, metadata={"description": "Entries of one staff action share it."})
    occurred_at = fields.AwareDateTime(required=True)
    actor_id = fields.String(required=True)
    client = fields.String(required=True, allow_none=True)
    action = fields.String(required=True, validate=validate.OneOf(rules.LOG_ACTIONS))
    letter_id = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)


class PrintQueueLogOut(Schema):
    items = fields.List(fields.Nested(PrintQueueLogEntryOut), required=True)
