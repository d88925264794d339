"""marshmallow schemas of the routes that read filings, their versions and the differences between them."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from filings.versions.visibility import View

MAX_PAGE = 1000

FULL_VIEW_DESCRIPTION = (
    "`public` (the default): what the form declares public, for anyone. `full`: every field and part as filed, "
    "private ones included, with who filed and signed it and its warnings; only for the entity's officers, agents "
    "and viewers, partners whose grant for the entity is running, staff, and the vendor software that submitted "
    "it. The full view needs a token (401 without one) and refuses one that is not entitled (403); it never "
    "answers the public view instead."
)


class FilingsCursor(fields.String):
    """The keyset cursor of an entity's filings: when the last filing shown was first filed, and its ID (opaque)."""

    def _serialize(self, value: tuple[datetime, str] | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        filed_at, filing_id = value
        return base64.urlsafe_b64encode(f"{filed_at.isoformat()}|{filing_id}".encode()).decode().rstrip("=")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple[datetime, str]:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            filed_at, filing_id = decoded.split("|", 1)
            instant = datetime.fromisoformat(filed_at)
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise ValidationError("Not a cursor this API gave out; pass `next_before` as it came.") from error
        if instant.tzinfo is None or len(filing_id) > 36:
            raise ValidationError("Not a cursor this API gave out; pass `next_before` as it came.")
        return instant, filing_id


class ViewQuery(Schema):
    view = fields.Enum(View, by_value=True, load_default=View.PUBLIC, metadata={"description": FULL_VIEW_DESCRIPTION})


class LinesQuery(ViewQuery):
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=10**9),
        metadata={"description": "Keyset cursor: lines after this line number (`next_after` of the previous page)."},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE))


class DiffQuery(ViewQuery):
    from_amendment = fields.Integer(
        required=True, data_key="from", validate=validate.Range(min=0), metadata={"description": "Older version"}
    )
    to_amendment = fields.Integer(
        required=True, data_key="to", validate=validate.Range(min=0), metadata={"description": "Newer version"}
    )
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "Most line changes listed per part."},
    )


class DiffLinesQuery(DiffQuery):
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=10**9),
        metadata={"description": "Cursor: the `next_after` of the diff or of the previous page."},
    )


class EntityFilingsQuery(Schema):
    before = FilingsCursor(metadata={"description": "Keyset cursor: `next_before` of the previous page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class VersionSummaryOut(Schema):
    amendment = fields.Integer(required=True, metadata={"description": "0 for the original, then 1, 2, ..."})
    filed_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)


class VersionsOut(Schema):
    filing_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    form = fields.String(required=True, metadata={"example": "F460"})
    form_name = fields.String(required=True, metadata={"example": "Recipient Committee Campaign Statement"})
    versions = fields.List(fields.Nested(VersionSummaryOut), required=True)


class ColumnOut(Schema):
    name = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "Plain-language name"})


class FieldValueOut(ColumnOut):
    value = fields.Raw(allow_none=True, metadata={"description": "Amounts as decimal strings, dates ISO"})


class PartOut(Schema):
    name = fields.String(required=True, metadata={"example": "schedule_a"})
    label = fields.String(required=True, metadata={"description": "Plain-language name"})
    kind = fields.String(required=True, metadata={"description": "`record` (one record) or `lines` (line items)"})
    record_fields = fields.List(
        fields.Nested(FieldValueOut),
        attribute="fields",
        data_key="fields",
        metadata={"description": "A record's fields the view shows"},
    )
    line_count = fields.Integer(metadata={"description": "Line items, read from .../lines/<part>"})
    columns = fields.List(fields.Nested(ColumnOut), metadata={"description": "The fields of each line the view shows"})


class FilingVersionOut(VersionSummaryOut):
    view = fields.String(required=True, metadata={"description": "`public` or `full`, as asked"})
    filing_id = fields.String(required=True)
    latest_amendment = fields.Integer(required=True)
    entity_id = fields.String(required=True)
    entity_name = fields.String(allow_none=True)
    form = fields.String(required=True, metadata={"example": "F460"})
    form_name = fields.String(required=True, metadata={"example": "Recipient Committee Campaign Statement"})
    signer_name = fields.String(allow_none=True, metadata={"description": "Who verified the filing"})
    totals = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    parts = fields.List(fields.Nested(PartOut), required=True)
    filed_by = fields.String(metadata={"description": "Full view: the user, or vendor:<id>, that submitted it"})
    vendor_id = fields.String(allow_none=True, metadata={"description": "Full view: the vendor software that filed"})
    signer_id = fields.String(allow_none=True, metadata={"description": "Full view: the CARS user who signed"})
    verification_statement = fields.String(allow_none=True, metadata={"description": "Full view: what was signed"})
    warnings = fields.List(
        fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True)),
        metadata={"description": "Full view: the warnings the filing was accepted with"},
    )


class LineOut(Schema):
    line = fields.Integer(required=True, metadata={"description": "From 1, as filed"})
    values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class LinesPageOut(Schema):
    view = fields.String(required=True, metadata={"description": "`public` or `full`, as asked"})
    filing_id = fields.String(required=True)
    amendment = fields.Integer(required=True)
    part = fields.String(required=True)
    label = fields.String(required=True)
    columns = fields.List(fields.Nested(ColumnOut), required=True)
    lines = fields.List(fields.Nested(LineOut), required=True)
    next_after = fields.Integer(allow_none=True, metadata={"description": "Pass as `after` for the next page."})


class FieldChangeOut(Schema):
    field = fields.String(required=True)
    label = fields.String(required=True)
    old = fields.Raw(allow_none=True, metadata={"description": "Empty (null) when the field was not filled in"})
    new = fields.Raw(allow_none=True)


class RecordChangesOut(Schema):
    part = fields.String(required=True)
    label = fields.String(required=True)
    changes = fields.List(fields.Nested(FieldChangeOut), required=True)


class LineChangeOut(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["added", "removed", "changed"]))
    line = fields.Integer(required=True, metadata={"description": "In the newer version (older, when removed)"})
    old_line = fields.Integer(allow_none=True)
    new_line = fields.Integer(allow_none=True)
    changes = fields.List(fields.Nested(FieldChangeOut), required=True)


class LineChangesOut(Schema):
    part = fields.String(required=True)
    label = fields.String(required=True)
    line_changes = fields.List(fields.Nested(LineChangeOut), required=True)
    next_after = fields.Integer(
        allow_none=True, metadata={"description": "More changes: pass as `after` to .../diff/lines/<part>."}
    )


class PartLineChangesOut(LineChangesOut):
    added = fields.Integer(required=True)
    removed = fields.Integer(required=True)
    changed = fields.Integer(required=True)


class DiffEndsOut(Schema):
    view = fields.String(required=True, metadata={"description": "`public` or `full`, as asked"})
    filing_id = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    from_version = fields.Nested(VersionSummaryOut, required=True)
    to_version = fields.Nested(VersionSummaryOut, required=True)


class DiffOut(DiffEndsOut):
    changes = fields.List(fields.Nested(FieldChangeOut), required=True, metadata={"description": "Period and signer"})
    records = fields.List(fields.Nested(RecordChangesOut), required=True)
    lines = fields.List(fields.Nested(PartLineChangesOut), required=True)


class DiffLinesOut(DiffEndsOut, LineChangesOut):
    pass


class EntityFilingOut(Schema):
    filing_id = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    latest_amendment = fields.Integer(required=True)
    first_filed_at = fields.AwareDateTime(required=True)
    filed_at = fields.AwareDateTime(required=True, metadata={"description": "When the latest version was filed"})
    status = fields.String(required=True)


class EntityFilingsOut(Schema):
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    items = fields.List(fields.Nested(EntityFilingOut), required=True)
    next_before = FilingsCursor(allow_none=True, metadata={"description": "Pass as `before` for the next page."})
