"""marshmallow schemas of the saved search routes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from search.domain.query import DEFAULT_LIMIT, GROUPINGS, MAX_LIMIT, MAX_TOP
from search.exports.query_args import SearchFilters
from search.saved.schedules import NEVER, SCHEDULES
from search.schemas import AggregateOut, DocumentOut

_NAME = validate.And(validate.Length(min=1, max=200), validate.Regexp(r".*\S", error="A name needs a visible letter."))
_SCHEDULE = {"description": "When to run it and tell of new results: never, daily or weekly (at 14:00 UTC)."}


class ReportIn(Schema):
    by = fields.String(required=True, validate=validate.OneOf(GROUPINGS), metadata={"description": "Group totals by."})
    top = fields.Integer(
        load_default=10, validate=validate.Range(min=1, max=MAX_TOP), metadata={"description": "Groups."}
    )


class SavedSearchIn(Schema):
    name = fields.String(required=True, validate=_NAME)
    query = fields.Nested(SearchFilters, load_default=dict, metadata={"description": "The search, as its filters."})
    report = fields.Nested(ReportIn, allow_none=True, metadata={"description": "Totals over the search's results."})
    schedule = fields.String(load_default=NEVER, validate=validate.OneOf(SCHEDULES), metadata=_SCHEDULE)


class SavedSearchChange(Schema):
    name = fields.String(validate=_NAME)
    query = fields.Nested(SearchFilters)
    report = fields.Nested(ReportIn, allow_none=True)
    schedule = fields.String(validate=validate.OneOf(SCHEDULES), metadata=_SCHEDULE)

    @validates_schema
    def something(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ValidationError("Say what to change: name, query, report or schedule.", "_schema")


class ReportOut(Schema):
    by = fields.String(required=True)
    top = fields.Integer(required=True)


class SavedSearchOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    query = fields.Dict(required=True)
    report = fields.Nested(ReportOut, allow_none=True)
    schedule = fields.String(required=True, validate=validate.OneOf(SCHEDULES))
    next_run_at = fields.AwareDateTime(allow_none=True, metadata={"description": "When alerts next run."})
    last_run_at = fields.AwareDateTime(allow_none=True)
    share_url = fields.String(allow_none=True, metadata={"description": "Anyone with this link may run the search."})
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class SavedSearchesOut(Schema):
    saved_searches = fields.List(fields.Nested(SavedSearchOut), required=True)


class PageQuery(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    after = fields.String(validate=validate.Length(min=1, max=1000), metadata={"description": "next_cursor of a page."})


class SavedRunOut(Schema):
    name = fields.String(required=True)
    query = fields.Dict(required=True)
    results = fields.List(fields.Nested(DocumentOut), required=True)
    count = fields.Integer(required=True)
    count_exact = fields.Boolean(required=True)
    next_cursor = fields.String(allow_none=True)
    report = fields.Nested(AggregateOut, allow_none=True)
