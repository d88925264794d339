"""marshmallow schemas of the filings API's entity routes."""

from __future__ import annotations

from marshmallow import Schema, fields

ENTITY_ID = r"^[A-Za-z0-9]{1,20}$"


class EntityOut(Schema):
    """A filing entity's public record; fields its registration form keeps private are left out."""

    entity_id = fields.String(required=True, metadata={"example": "2000001"})
    name = fields.String(required=True)
    entity_type = fields.String(required=True, metadata={"example": "recipient_committee"})
    status = fields.String(required=True, metadata={"description": "active or terminated"})
    legacy = fields.Boolean(required=True, metadata={"description": "Migrated from CAL-ACCESS with its filer ID"})
    registered_on = fields.Date(required=True)
    terminated_on = fields.Date(allow_none=True)
    street = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    zip = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    treasurer_name = fields.String(allow_none=True)
