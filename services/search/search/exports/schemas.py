"""marshmallow schemas of the export routes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from search.exports.jobs import FORMATS, STATUSES
from search.exports.query_args import SearchFilters

FILE = {"type": "string", "format": "binary"}


class ExportRequest(Schema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS), metadata={"description": "csv or jsonl"})
    query = fields.Nested(SearchFilters, load_default=dict, metadata={"description": "The search to export."})
    email = fields.Email(
        validate=validate.Length(max=320),
        metadata={"description": "Where to say the file is ready (optional; signed-in people also see a notice)."},
    )


class ExportJobOut(Schema):
    id = fields.String(required=True)
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    query = fields.Dict(required=True, metadata={"description": "The search exported, as its filters."})
    total = fields.Integer(allow_none=True, metadata={"description": "Rows matching when the job was requested."})
    rows_written = fields.Integer(required=True)
    progress_percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    download_url = fields.String(allow_none=True, metadata={"description": "Where the file is, once done."})
    error = fields.String(allow_none=True, metadata={"description": "Why a failed job failed."})
    created_at = fields.AwareDateTime(required=True)
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)


class ExportJobsQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ExportJobsOut(Schema):
    jobs = fields.List(fields.Nested(ExportJobOut), required=True)
    count = fields.Integer(required=True, metadata={"description": "How many export jobs the caller has in all."})
