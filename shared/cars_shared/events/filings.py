"""Events published by filings."""

from marshmallow import Schema, ValidationError, fields, validate

from cars_shared.events.registry import event


@event(
    "filings",
    "entity_registered",
    description=(
        "A filing entity was registered (Form 410 and the like). `registration_form` is the form that put it on "
        "file: a registration, or a first report of a filer with no registration form (Form 635, 645); absent or "
        "null when not stated."
    ),
    example={
        "entity_id": "1400001",
        "name": "Friends of Example for Assembly 2026",
        "entity_type": "recipient_committee",
        "registered_by": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "registered_on": "2026-03-02",
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
        "registration_form": "F410",
    },
)
class EntityRegistered(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    registered_by = fields.String(required=True)
    registered_on = fields.Date(required=True)
    filing_id = fields.String(required=True)
    registration_form = fields.String(allow_none=True, load_default=None)


@event(
    "filings",
    "filing_accepted",
    description="A filing was accepted; its content is read from filings by id.",
    example={
        "filing_id": "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40",
        "entity_id": "1400001",
        "entity_name": "Friends of Example for Assembly 2026",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": 0,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "filed_at": "2026-07-31T17:00:00+00:00",
        "totals": {"contributions_received": "1500.00", "expenditures_made": "250.00"},
    },
)
class FilingAccepted(Schema):
    filing_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    amendment = fields.Integer(required=True)
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    filed_at = fields.AwareDateTime(required=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True), load_default=dict)


ENTITY_EXAMPLE_ID = "2000001"
FILING_EXAMPLE_ID = "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"


@event(
    "filings",
    "entity_updated",
    description="A registration amendment changed a filing entity's public record; `changed` names the fields.",
    example={
        "entity_id": ENTITY_EXAMPLE_ID,
        "name": "Friends of Example for Assembly 2026",
        "entity_type": "recipient_committee",
        "changed": ["name", "treasurer_name"],
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
        "amendment": 1,
    },
)
class EntityUpdated(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)
    filing_id = fields.String(required=True)
    amendment = fields.Integer(required=True)


@event(
    "filings",
    "entity_terminated",
    description="A filing entity ended (Form 410 termination, lobbying registration withdrawn).",
    example={
        "entity_id": ENTITY_EXAMPLE_ID,
        "name": "Friends of Example for Assembly 2026",
        "entity_type": "recipient_committee",
        "terminated_on": "2027-01-15",
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
    },
)
class EntityTerminated(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    terminated_on = fields.Date(required=True)
    filing_id = fields.String(required=True)


@event(
    "filings",
    "filing_amended",
    description=(
        "An amendment replaced a filing; `amendment` is the new version's number, `previous_amendment` the one "
        "it replaces. Both versions stay readable from filings."
    ),
    example={
        "filing_id": FILING_EXAMPLE_ID,
        "entity_id": ENTITY_EXAMPLE_ID,
        "entity_name": "Friends of Example for Assembly 2026",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "previous_amendment": 0,
        "amendment": 1,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "filed_at": "2026-08-15T17:00:00+00:00",
        "totals": {"contributions_received": "1750.00", "expenditures_made": "250.00"},
    },
)
class FilingAmended(FilingAccepted):
    previous_amendment = fields.Integer(required=True)


@event(
    "filings",
    "filing_late",
    description=(
        "A required filing was not on file by its deadline: `filing_id` is the late filing once it arrives, "
        "null while it is still missing. Published once per entity, form and period when first found late, "
        "and again when the missing filing arrives (with its filing_id and final days_late). `reported_amount` is "
        "the cumulative amount the late filing reports (its form's declared activity totals, dollars), once it "
        "arrived; absent or null while missing or when the form declares none."
    ),
    example={
        "entity_id": ENTITY_EXAMPLE_ID,
        "entity_name": "Friends of Example for Assembly 2026",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "due_on": "2026-07-31",
        "days_late": 3,
        "filing_id": FILING_EXAMPLE_ID,
        "reported_amount": "1750.00",
    },
)
class FilingLate(Schema):
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    due_on = fields.Date(required=True)
    days_late = fields.Integer(required=True)
    filing_id = fields.String(required=True, allow_none=True)
    reported_amount = fields.Decimal(as_string=True, allow_none=True, load_default=None)


@event(
    "filings",
    "submission_received",
    description="A submission was stored and waits to be checked. Read by filings itself; carries no content.",
    example={"submission_id": "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f", "space": "production"},
)
class SubmissionReceived(Schema):
    submission_id = fields.String(required=True)
    space = fields.String(required=True, validate=validate.OneOf(("production", "sandbox")))


@event(
    "filings",
    "submission_decided",
    description=(
        "Filings finished checking vendor software's submission (accepted or rejected), in the production or the "
        "sandbox space. Read by filings itself (vendor webhooks, certification); carries no filing content. A "
        "person's submission has none: its submitter follows the status resource."
    ),
    example={
        "submission_id": "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f",
        "space": "sandbox",
        "status": "accepted",
        "vendor_id": "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11",
        "form": "F460",
        "filing_id": FILING_EXAMPLE_ID,
        "amendment": 0,
    },
)
class SubmissionDecided(Schema):
    submission_id = fields.String(required=True)
    space = fields.String(required=True, validate=validate.OneOf(("production", "sandbox")))
    status = fields.String(required=True, validate=validate.OneOf(("accepted", "rejected")))
    vendor_id = fields.String(required=True, allow_none=True)
    form = fields.String(required=True, allow_none=True)
    filing_id = fields.String(required=True, allow_none=True)
    amendment = fields.Integer(required=True, allow_none=True)


@event(
    "filings",
    "vendor_scenarios_passed",
    description="A vendor's sandbox submissions passed every certification scenario; staff may now certify it.",
    example={
        "vendor_id": "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11",
        "passed_at": "2026-05-04T16:30:00+00:00",
        "scenarios": ["original_460", "amended_460", "report_497", "rejected_460", "report_615"],
    },
)
class VendorScenariosPassed(Schema):
    vendor_id = fields.String(required=True)
    passed_at = fields.AwareDateTime(required=True)
    scenarios = fields.List(fields.String(), required=True)


LEGACY_BATCH_LIMIT = 500
"""Most filing versions, and most entities, one legacy_batch_imported event names."""


def _filing_versions(value: object) -> None:
    """A list of at most 500 {"filing_id": text, "amendment": integer}: checked in one pass (batches are large)."""
    if not isinstance(value, list) or len(value) > LEGACY_BATCH_LIMIT:
        raise ValidationError(f"a list of at most {LEGACY_BATCH_LIMIT} filing versions")
    for item in value:
        if not (
            isinstance(item, dict)
            and item.keys() == {"filing_id", "amendment"}
            and isinstance(item["filing_id"], str)
            and isinstance(item["amendment"], int)
            and not isinstance(item["amendment"], bool)
        ):
            raise ValidationError(f"not a filing version: {item!r}")


def _entity_ids(value: object) -> None:
    if not isinstance(value, list) or len(value) > LEGACY_BATCH_LIMIT:
        raise ValidationError(f"a list of at most {LEGACY_BATCH_LIMIT} entity IDs")
    if not all(isinstance(item, str) for item in value):
        raise ValidationError("entity IDs are text")


@event(
    "filings",
    "legacy_batch_imported",
    description=(
        "A batch of CAL-ACCESS history was migrated (`cars-migrate load`): the filing versions and entities it "
        "created or changed, at most 500 of each. Read by search (indexes them) and accounts (records the entities "
        "as migrated, claimable by access code); history assesses no fee and sends no letter."
    ),
    example={
        "batch_id": "5f0c9a2e-7d1b-4c3e-9a8f-2b6d4e1c0a97:RCPT_CD:2:0",
        "filing_ids": [{"filing_id": "1845001", "amendment": 0}, {"filing_id": "1845001", "amendment": 1}],
        "entity_ids": ["1300001"],
    },
)
class LegacyBatchImported(Schema):
    batch_id = fields.String(required=True)
    filing_ids = fields.Raw(
        required=True,
        validate=_filing_versions,
        metadata={"description": 'Filing versions: [{"filing_id": text, "amendment": integer}], at most 500'},
    )
    entity_ids = fields.Raw(
        required=True, validate=_entity_ids, metadata={"description": "Entity IDs (text), at most 500"}
    )
