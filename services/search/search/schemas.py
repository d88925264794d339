"""marshmallow schemas of the search API."""

from marshmallow import Schema, fields, validate

from search.domain.documents import KINDS
from search.domain.query import DEFAULT_LIMIT, GROUPINGS, MAX_FILTER_VALUES, MAX_LIMIT, MAX_TOP, SORTS

_TEXT = fields.String(validate=validate.Length(min=1, max=200))


def _values(item: fields.Field, description: str) -> fields.List:
    return fields.List(
        item,
        validate=validate.Length(max=MAX_FILTER_VALUES),
        metadata={"description": f"{description} Repeat the parameter for alternatives (at most {MAX_FILTER_VALUES})."},
    )


class FilterQuery(Schema):
    """What to find: each filter narrows the results; the values of one filter are alternatives."""

    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Words to find in names, employers, occupations, descriptions, forms and IDs; every word "
            "must match, each also as the start of a word, in any case and without accents."
        },
    )
    kind = _values(fields.String(validate=validate.OneOf(KINDS)), "Only filings, filers or transactions.")
    entity_type = _values(_TEXT, "Filer types, e.g. recipient_committee.")
    form = _values(_TEXT, "Form codes, e.g. F460.")
    schedule = _values(_TEXT, "Schedules (parts of a form), e.g. schedule_a.")
    entity_id = _values(_TEXT, "Filer IDs.")
    city = _values(_TEXT, "Cities (exact, any case, accents ignored: San Jose finds San José).")
    state = _values(fields.String(validate=validate.Length(equal=2)), "Two-letter states.")
    zip = _values(
        fields.String(validate=validate.Regexp(r"^\d{5}(-?\d{4})?$")), "ZIP codes (the first 5 digits match)."
    )
    employer = _values(_TEXT, "Employers (exact, any case, accents ignored).")
    occupation = _values(_TEXT, "Occupations (exact, any case, accents ignored).")
    election_cycle = _values(
        fields.Integer(validate=validate.Range(min=1974, max=2100)),
        "Two-year election cycles, named by their even year (2026: January 1, 2025 to December 31, 2026).",
    )
    date_from = fields.Date(metadata={"description": "First day (inclusive): transaction date, else filing date."})
    date_to = fields.Date(metadata={"description": "Last day (inclusive)."})
    filed_from = fields.Date(
        metadata={
            "description": "First day (inclusive) the record reached the public record: the filing date of a filing "
            "and of its transactions (however old their own dates), a filer's registration date."
        }
    )
    filed_to = fields.Date(metadata={"description": "Last filing day (inclusive)."})
    amount_min = fields.Decimal(
        places=2, allow_nan=False, metadata={"description": "Smallest amount in dollars (transactions only)."}
    )
    amount_max = fields.Decimal(places=2, allow_nan=False, metadata={"description": "Largest amount in dollars."})
    include_history = fields.Boolean(
        load_default=False, metadata={"description": "Also the rows of amendments a later amendment replaced."}
    )


class DocumentQuery(FilterQuery):
    sort = fields.String(
        load_default="relevance",
        validate=validate.OneOf(SORTS),
        metadata={
            "description": "relevance (newest first without words), date, -date, amount, -amount, filed, -filed "
            "(by filing date: when the record reached the public record)."
        },
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "Most results to return."},
    )
    after = fields.String(
        validate=validate.Length(max=2000),
        metadata={"description": "Keyset cursor: `next_cursor` of the previous page, as it came."},
    )
    exact_count = fields.Boolean(
        load_default=False,
        metadata={"description": "Count every match even when there are very many (slower); else an estimate."},
    )


class AggregateQuery(FilterQuery):
    by = fields.String(
        required=True, validate=validate.OneOf(GROUPINGS), metadata={"description": "What to total the amounts by."}
    )
    top = fields.Integer(
        load_default=10, validate=validate.Range(min=1, max=MAX_TOP), metadata={"description": "Most groups."}
    )


class TypeaheadQuery(Schema):
    prefix = fields.String(
        required=True, validate=validate.Length(min=1, max=100), metadata={"description": "The start of a name."}
    )
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=20))


class DocumentOut(Schema):
    id = fields.String(
        required=True,
        metadata={
            "description": "'filing:<filing id>', 'entity:<entity id>' or "
            "'transaction:<filing id>:<amendment>:<schedule>:<line>'"
        },
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "The record in plain words."})
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    current = fields.Boolean(
        required=True, metadata={"description": "False for rows of an amendment a later one replaced."}
    )
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
    status = fields.String(allow_none=True, metadata={"description": "A filer's status: active or terminated."})
    former_names = fields.List(fields.String(), metadata={"description": "Names a filer had before."})
    schedule = fields.String(allow_none=True, metadata={"description": "The part of the form, e.g. schedule_a."})
    schedule_name = fields.String(allow_none=True, metadata={"description": "The part's plain-language name."})
    line = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True, metadata={"description": "Who gave, lent, received or was paid."})
    employer = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    zip_code = fields.String(allow_none=True)
    amount = fields.Decimal(as_string=True, allow_none=True)
    transaction_date = fields.Date(allow_none=True)


class SearchResultsOut(Schema):
    results = fields.List(fields.Nested(DocumentOut), required=True)
    count = fields.Integer(required=True, metadata={"description": "How many documents match in all."})
    count_exact = fields.Boolean(
        required=True, metadata={"description": "False when `count` is a lower bound (very many matches)."}
    )
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "Pass as `after` for the next page; null on the last page."}
    )


class BucketOut(Schema):
    key = fields.String(required=True, metadata={"description": "A name, a month (YYYY-MM), a ZIP or a filer ID."})
    label = fields.String(allow_none=True, metadata={"description": "The filer's name, when grouped by entity."})
    total = fields.Decimal(as_string=True, required=True)
    count = fields.Integer(required=True, metadata={"description": "How many transactions."})


class AggregateOut(Schema):
    by = fields.String(required=True)
    buckets = fields.List(fields.Nested(BucketOut), required=True)


class SuggestionOut(Schema):
    text = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "entity (a filer) or transaction (a party)."})
    entity_id = fields.String(allow_none=True)


class TypeaheadOut(Schema):
    suggestions = fields.List(fields.Nested(SuggestionOut), required=True)
