"""Export routes: streamed CSV and JSON Lines up to the row cap; export jobs for more, followed and downloaded by id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, request, send_file, stream_with_context
from flask_smorest import Blueprint

from cars_shared.config import PORTAL_URL, SEARCH_EXPORT_ROW_CAP, SEARCH_EXPORT_SYNC_ROW_CAP
from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, NotFound, Problem, TooManyRequests, documents_problems
from search import permissions
from search.domain.query import BadCursor, ImpossibleQuery
from search.exports import handlers
from search.exports.files import export_dir
from search.exports.handlers import ExportExpired, ExportNotFound, ExportsThrottled, ExportTooLarge
from search.exports.jobs import CSV, JSONL, progress_percent
from search.exports.query_args import PARAMETER_OF, SearchFilters, query_from_filters
from search.exports.schemas import FILE, ExportJobOut, ExportJobsOut, ExportJobsQuery, ExportRequest
from search.exports.writers import EXPORT_FORMATS
from search.index import SearchIndex
from search.models import ExportJob

blueprint = Blueprint("exports", __name__, description="Downloads of search results: CSV and JSON Lines")


class TooLargeToStream(Problem):
    status, title, slug = 413, "Content Too Large", "content-too-large"


class Gone(Problem):
    status, title, slug = 410, "Gone", "gone"


problems = {
    ImpossibleQuery: lambda error: Problem(error.message, field=PARAMETER_OF.get(error.field, error.field)),
    BadCursor: lambda error: Problem(str(error), field="after"),
    ExportNotFound: lambda _error: NotFound("No export has this id.", field="export_id"),
    ExportExpired: lambda _error: Gone(
        "The export's file was deleted after its keeping time; ask for the export again.", field="export_id"
    ),
    ExportsThrottled: lambda error: TooManyRequests(
        "Too many exports asked for lately; try again later.", retry_after=error.retry_after
    ),
}


def impossible_in_body(error: ImpossibleQuery) -> Problem:
    """The 400 problem of an impossible search given as the 'query' object of a JSON body."""
    return Problem(error.message, field=f"query.{PARAMETER_OF.get(error.field, error.field)}")


def _index() -> SearchIndex:
    return current_app.extensions["search.index"]


def _stream(filters: dict[str, Any], export_format: str) -> Response:
    cap = int(SEARCH_EXPORT_SYNC_ROW_CAP.get())
    query = query_from_filters(filters)
    try:
        handlers.check_streamable(_index(), query, cap)
    except ExportTooLarge as error:
        raise TooLargeToStream(
            f"This search matches {error.count:,} rows, more than the {cap:,} a direct download holds. Ask for an "
            "export job instead: POST /api/search/exports with the format and these filters as 'query'; you can "
            "follow it and download the file when it is done.",
            headers={"Link": '</api/search/exports>; rel="create-form"'},
        ) from error
    chosen = EXPORT_FORMATS[export_format]
    name = f"cars-search-{datetime.now(UTC):%Y%m%d-%H%M%S}.{chosen.extension}"
    chunks = handlers.stream_rows(_index(), query, export_format, cap)
    return Response(
        stream_with_context(chunk.encode("utf-8") for chunk in chunks),
        mimetype=chosen.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.route("/exports.csv", methods=["GET"])
@permissions.public_read
@blueprint.arguments(SearchFilters, location="query")
@blueprint.response(200, {"type": "string"}, content_type="text/csv")
@documents_problems(blueprint, 400, 413)
def export_csv(filters: dict[str, Any]) -> Response:
    """Every result of the search as CSV, streamed; above the row cap a 413 problem points to export jobs.

    Columns (in this order, headers in plain words): Record type, Record ID, Date, Description, Filer ID, Filer name,
    Filer type, Form, Form name, Filing ID, Amendment number, Current version, Period start, Period end, Filed on,
    Schedule, Schedule name, Line, Name, Employer, Occupation, City, State, ZIP code, Amount (USD),
    Transaction date, Registered on, Reported totals (USD). Amounts are decimals; dates are YYYY-MM-DD; a text
    cell starting with = + - @ gets a leading apostrophe so no spreadsheet runs it as a formula.
    """
    return _stream(filters, CSV)


@blueprint.route("/exports.jsonl", methods=["GET"])
@permissions.public_read
@blueprint.arguments(SearchFilters, location="query")
@blueprint.response(200, {"type": "string"}, content_type="application/x-ndjson")
@documents_problems(blueprint, 400, 413)
def export_jsonl(filters: dict[str, Any]) -> Response:
    """Every result of the search as JSON Lines (one document a line, amounts as decimal text), streamed; above the
    row cap a 413 problem points to export jobs."""
    return _stream(filters, JSONL)


def _client_address() -> str:
    return (request.access_route[-1] if request.access_route else request.remote_addr) or ""


def job_out(job: ExportJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "format": job.format,
        "status": job.status,
        "query": job.filters,
        "total": job.total,
        "rows_written": job.rows_written,
        "progress_percent": progress_percent(job.status, job.rows_written, job.total),
        "download_url": handlers.download_url(PORTAL_URL.get(), job.id) if job.status == "done" else None,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@blueprint.route("/exports", methods=["POST"])
@permissions.public_read
@blueprint.arguments(ExportRequest)
@blueprint.response(202, ExportJobOut)
@documents_problems(blueprint, 400, 401, 413, 429)
def request_export(body: dict[str, Any]) -> Any:
    """Ask for an export of any size up to the job row cap; the worker writes it and the job shows its progress.

    No account is needed (requests are limited per client address). With an access token the job is listed to its
    requester and a notice tells them when it is done; an e-mail address, if given, is told too.
    """
    user_id = current_principal().user_id if request.headers.get("Authorization") else None
    cap = int(SEARCH_EXPORT_ROW_CAP.get())
    with session_scope() as session:
        try:
            job = handlers.request_export(
                session,
                _index(),
                export_format=body["format"],
                filters=body["query"],
                user_id=user_id,
                email=body.get("email"),
                client=_client_address(),
                row_cap=cap,
                now=datetime.now(UTC),
            )
        except ImpossibleQuery as error:
            raise impossible_in_body(error) from error
        except ExportTooLarge as error:
            raise TooLargeToStream(
                f"This search matches {error.count:,} rows, more than the {cap:,} one export holds; narrow it, for "
                "example by date, and export the parts.",
                field="query",
            ) from error
        out = job_out(job)
    return out, 202, {"Location": f"/api/search/exports/{out['id']}"}


@blueprint.route("/exports", methods=["GET"])
@blueprint.arguments(ExportJobsQuery, location="query")
@blueprint.response(200, ExportJobsOut)
@protected(blueprint)
def my_exports(query: dict[str, Any]) -> dict[str, Any]:
    """The caller's export jobs, newest first."""
    with session_scope() as session:
        jobs, count = handlers.jobs_of(session, current_principal().user_id, query["limit"])
        return {"jobs": [job_out(job) for job in jobs], "count": count}


@blueprint.route("/exports/<export_id>", methods=["GET"])
@permissions.public_read
@blueprint.response(200, ExportJobOut)
@documents_problems(blueprint, 404)
def export_status(export_id: str) -> dict[str, Any]:
    """An export job's state and progress, and its download link once done."""
    with session_scope() as session:
        return job_out(handlers.export_job(session, export_id))


@blueprint.route("/exports/<export_id>/download", methods=["GET"])
@permissions.public_read
@blueprint.doc(
    responses={
        "200": {
            "description": "The file, as an attachment.",
            "content": {chosen.media_type: {"schema": FILE} for chosen in EXPORT_FORMATS.values()},
        }
    }
)
@documents_problems(blueprint, 404, 409, 410)
def download_export(export_id: str) -> Response:
    """The finished file of an export job (409 while it is being written, 410 once deleted after its keeping time)."""
    with session_scope() as session:
        found = handlers.finished_file(session, export_dir(), export_id)
        if found is None:
            raise Conflict("The export is not finished yet; follow its progress at its job link.", field="export_id")
        job, path = found
        chosen = EXPORT_FORMATS[job.format]
        name = f"cars-search-export-{job.created_at:%Y%m%d}-{job.id[:8]}.{chosen.extension}"
    return send_file(path, mimetype=chosen.media_type, as_attachment=True, download_name=name)
