"""marshmallow schemas of the filings API."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from filings.domain.campaign_statement import CampaignStatement, Contribution
from filings.domain.entities import COMMITTEE_TYPES, EntityType
from filings.domain.statement_of_organization import CommitteeRegistration

# No control characters: they are never meant in a form and PostgreSQL refuses NUL in text.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
STATE = r"^[A-Z]{2}$"
ZIP = r"^[0-9]{5}(-?[0-9]{4})?$"
AMOUNT = r"^-?[0-9]{1,13}(\.[0-9]{1,10})?$"
# Deliberately loose (a committee's contact address is not verified here), and stated as the one pattern it is.
EMAIL = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
ENTITY_ID = r"^[A-Za-z0-9]{1,20}$"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def text(max_length: int, *, required: bool = True, **options: Any) -> fields.String:
    """A single line of printable text up to `max_length` characters (at least one when required)."""
    rules = [validate.Length(min=1 if required else 0, max=max_length), validate.Regexp(PRINTABLE)]
    return fields.String(required=required, validate=rules, **options)


class Amount(fields.Decimal):
    """Dollars and cents sent as a decimal string, e.g. "1500.00"; the form's rules check sign and cents."""

    def __init__(self, **options: Any) -> None:
        metadata = {"type": "string", "pattern": AMOUNT, "example": "1500.00", **options.pop("metadata", {})}
        super().__init__(as_string=True, metadata=metadata, **options)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str) or not re.fullmatch(AMOUNT, value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class CommitteeRegistrationIn(Schema):
    """Form 410, Statement of Organization (the minimal part)."""

    name = text(200, metadata={"example": "Friends of Example for Assembly 2026"})
    committee_type = fields.String(required=True, validate=validate.OneOf([t.value for t in COMMITTEE_TYPES]))
    treasurer_name = text(200)
    street = text(200)
    city = text(100)
    state = fields.String(required=True, validate=validate.Regexp(STATE), metadata={"example": "CA"})
    zip = fields.String(required=True, validate=validate.Regexp(ZIP), metadata={"example": "95814"})
    email = fields.String(
        required=True,
        validate=[validate.Length(max=254), validate.Regexp(EMAIL)],
        metadata={"example": "treasurer@example.org"},
    )

    @post_load
    def to_registration(self, data: dict[str, Any], **_: Any) -> CommitteeRegistration:
        return CommitteeRegistration(**{**data, "committee_type": EntityType(data["committee_type"])})


class ContributionIn(Schema):
    """A Schedule A line; contributor details are required from $100 up."""

    contributor_name = text(200, required=False, allow_none=True, load_default=None)
    city = text(100, required=False, allow_none=True, load_default=None)
    state = fields.String(allow_none=True, load_default=None, validate=validate.Regexp(STATE))
    zip = fields.String(allow_none=True, load_default=None, validate=validate.Regexp(ZIP))
    occupation = text(100, required=False, allow_none=True, load_default=None)
    employer = text(200, required=False, allow_none=True, load_default=None)
    amount = Amount(required=True)
    date = fields.Date(required=True)

    @post_load
    def to_contribution(self, data: dict[str, Any], **_: Any) -> Contribution:
        return Contribution(**data)


class CampaignStatementIn(Schema):
    """Form 460, Recipient Committee Campaign Statement (summary totals and Schedule A)."""

    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    contributions_received = Amount(required=True)
    expenditures_made = Amount(required=True)
    schedule_a = fields.List(fields.Nested(ContributionIn), load_default=list, validate=validate.Length(max=10000))

    @post_load
    def to_statement(self, data: dict[str, Any], **_: Any) -> CampaignStatement:
        return CampaignStatement(**{**data, "schedule_a": tuple(data["schedule_a"])})


class EntityOut(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    status = fields.String(required=True)
    registered_on = fields.Date(required=True)
    street = fields.String(required=True)
    city = fields.String(required=True)
    state = fields.String(required=True)
    zip = fields.String(required=True)
    email = fields.String(required=True)
    treasurer_name = fields.String(required=True)


class CommitteeRegisteredOut(EntityOut):
    filing_id = fields.String(required=True, metadata={"description": "The accepted Form 410"})


class FilingOut(Schema):
    filing_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    form = fields.String(required=True, metadata={"example": "F460"})
    form_name = fields.String(required=True, metadata={"example": "Recipient Committee Campaign Statement"})
    amendment = fields.Integer(required=True)
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    filed_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)
    content = fields.Dict(required=True, metadata={"description": "The filing as submitted"})
