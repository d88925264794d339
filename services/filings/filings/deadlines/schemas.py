"""marshmallow schemas of the filing calendar, entity deadlines and late-filing check routes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from filings.domain.deadlines import CALENDAR_STARTS
from filings.domain.periods import PeriodKind

LAST_CALENDAR_YEAR = 2100
KINDS = [kind.value for kind in PeriodKind]


class CalendarQuery(Schema):
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(min=CALENDAR_STARTS.year, max=LAST_CALENDAR_YEAR),
        metadata={"description": "The year whose deadlines to list (default: this year)."},
    )


class AsOfQuery(Schema):
    as_of = fields.Date(
        load_default=None, metadata={"description": "The day to look from (default: today in California)."}
    )


class DeadlineRunIn(Schema):
    as_of = fields.Date(
        load_default=None,
        metadata={"description": "Find what was late by the end of this day (default: today in California)."},
    )


class ElectionFields(Schema):
    election = fields.String(allow_none=True, metadata={"description": "The election a pre-election period leads to."})
    election_date = fields.Date(allow_none=True)


class DeadlineOut(ElectionFields):
    form = fields.String(required=True, metadata={"example": "F460"})
    form_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    due_on = fields.Date(required=True)
    days_late = fields.Integer(required=True, metadata={"description": "0 until the due date has passed."})
    summary = fields.String(required=True, metadata={"description": "What is owed and when, in plain language."})


class FiledLateOut(Schema):
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    due_on = fields.Date(required=True)
    filed_on = fields.Date(required=True)
    days_late = fields.Integer(required=True)
    filing_id = fields.String(required=True)
    summary = fields.String(required=True)


class EntityDeadlinesOut(Schema):
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    as_of = fields.Date(required=True)
    upcoming = fields.List(fields.Nested(DeadlineOut), required=True, metadata={"description": "Due in the next year."})
    past_due = fields.List(fields.Nested(DeadlineOut), required=True, metadata={"description": "Due and not filed."})
    filed_late = fields.List(fields.Nested(FiledLateOut), required=True)


class CalendarEntryOut(ElectionFields):
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    description = fields.String(required=True)
    filed_by = fields.List(fields.String(), required=True, metadata={"description": "Entity types that file it."})
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    due_on = fields.Date(required=True)
    summary = fields.String(required=True)


class ReportingWindowOut(ElectionFields):
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    summary = fields.String(required=True)


class ElectionOut(Schema):
    name = fields.String(required=True)
    held_on = fields.Date(required=True)
    kind = fields.String(required=True)


class HolidayOut(Schema):
    date = fields.Date(required=True)
    name = fields.String(required=True)


class CalendarOut(Schema):
    year = fields.Integer(required=True)
    deadlines = fields.List(fields.Nested(CalendarEntryOut), required=True)
    reporting_windows = fields.List(
        fields.Nested(ReportingWindowOut), required=True, metadata={"description": "24-hour reporting windows."}
    )
    elections = fields.List(fields.Nested(ElectionOut), required=True)
    state_holidays = fields.List(
        fields.Nested(HolidayOut),
        required=True,
        metadata={
            "description": "A deadline falling on one of these days, or a weekend, moves to the next business day."
        },
    )


class DeadlineRunOut(Schema):
    run_id = fields.String(required=True)
    as_of = fields.Date(required=True)
    requested_by = fields.String(required=True)
    started_at = fields.AwareDateTime(required=True)
    finished_at = fields.AwareDateTime(required=True, allow_none=True)
    entities_checked = fields.Integer(required=True)
    found_missing = fields.Integer(required=True, metadata={"description": "Filings found still missing."})
    found_filed_late = fields.Integer(
        required=True, metadata={"description": "Filings found filed after the due date."}
    )
    arrived = fields.Integer(required=True, metadata={"description": "Filings found missing earlier that arrived."})
