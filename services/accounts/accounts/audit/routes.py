"""HTTP routes for staff to query and export the audit log (mounted under /api/accounts)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, current_app, request, stream_with_context
from flask_smorest import Blueprint

from accounts.audit import queries
from accounts.audit.schemas import AuditPageOut, AuditPageQuery, AuditQuery, ChainVerdictOut
from accounts.domain.entity_links import NotPermitted
from accounts.links.handlers import Caller, require_staff
from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Forbidden, register_problems

blueprint = Blueprint("audit", __name__, description="Audit log")

CSV_RESPONSE = {
    "description": "The matching entries as CSV, oldest first.",
    "content": {"text/csv": {"schema": {"type": "string"}}},
}

register_problems(blueprint, {NotPermitted: lambda error: Forbidden(str(error))})
staff_only = protected(blueprint, 403)


def _require_staff() -> None:
    with session_scope() as session:
        require_staff(session, Caller(current_principal().user_id, request.remote_addr))


@blueprint.route("/audit/entries", methods=["GET"])
@staff_only
@blueprint.arguments(AuditPageQuery, location="query")
@blueprint.response(200, AuditPageOut)
def entries(query: dict[str, Any]) -> dict[str, Any]:
    """Audit entries newest first, filtered by actor, action, target and period; keyset-paginated (staff)."""
    _require_staff()
    with session_scope() as session:
        return queries.page(session, query, query.get("before"), query["limit"])


@blueprint.route("/audit/entries.csv", methods=["GET"])
@staff_only
@blueprint.arguments(AuditQuery, location="query")
@blueprint.doc(responses={"200": CSV_RESPONSE})
@blueprint.response(200, description="The matching entries as CSV.", content_type="text/csv")
def export(query: dict[str, Any]) -> Response:
    """The matching audit entries as CSV, oldest first (staff)."""
    _require_staff()
    database = current_app.extensions["cars.database"]

    def generate() -> Any:
        with database.session() as session:
            yield from queries.csv_lines(session, query)

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@blueprint.route("/audit/verify", methods=["GET"])
@staff_only
@blueprint.response(200, ChainVerdictOut)
def verify() -> dict[str, Any]:
    """Whether the audit log's hash chain is intact, and if not, where it breaks (staff)."""
    _require_staff()
    with session_scope() as session:
        return asdict(queries.verify(session))
