"""marshmallow schemas of the search API."""

from marshmallow import Schema, fields, validate

from search.domain.documents import KINDS
from search.domain.query import DEFAULT_LIMIT, MAX_LIMIT


class DocumentQuery(Schema):
    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Words to find (names, forms, ids); each word also matches as a prefix. "
            "Without it, the newest documents are listed."
        },
    )
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={"description": "Only filings or only filers."})
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "Most results to return."},
    )


class DocumentOut(Schema):
    id = fields.String(required=True, metadata={"description": "'filing:<filing id>' or 'entity:<entity id>'"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "The record in plain words."})
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    filing_id = fields.String(allow_none=True)
    form = fields.String(allow_none=True, metadata={"description": "Form code, e.g. F460."})
    form_name = fields.String(allow_none=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    filed_at = fields.AwareDateTime(allow_none=True)
    amendment = fields.Integer(allow_none=True, metadata={"description": "0 for the original filing."})
    totals = fields.Dict(
        keys=fields.String(),
        values=fields.Decimal(as_string=True),
        metadata={"description": "Dollar totals as decimals."},
    )
    entity_type = fields.String(allow_none=True)
    entity_type_name = fields.String(allow_none=True)
    registered_on = fields.Date(allow_none=True)


class SearchResultsOut(Schema):
    results = fields.List(fields.Nested(DocumentOut), required=True)
    count = fields.Integer(required=True, metadata={"description": "How many documents match in all."})
