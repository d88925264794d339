"""Statements of account (staff, and the entity's own people) and the receivables report (staff), JSON and CSV."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import NotFound
from fees import permissions
from fees.domain.calendar import california_today
from fees.statements import handlers
from fees.statements.schemas import AsOfQuery, ReceivablesOut, StatementOut

blueprint = Blueprint("statements", __name__, description="Statements of account and the receivables report")

ENTITY_ID = re.compile(r"[A-Za-z0-9]{1,20}")
CSV_RESPONSE = {
    "description": "The same, as CSV (amounts in dollars).",
    "content": {"text/csv": {"schema": {"type": "string"}}},
}


def _statement(entity_id: str, as_of: date | None) -> dict[str, Any]:
    principal = current_principal()
    permissions.require_may_read_account(principal, entity_id)
    if ENTITY_ID.fullmatch(entity_id):
        with session_scope() as session:
            view = handlers.statement(
                session, entity_id, as_of or california_today(), for_staff=permissions.is_staff(principal)
            )
        if view is not None:
            return view
    raise NotFound(f"No account of entity {entity_id} is on file.")


def _csv(document: str, filename: str) -> Response:
    response = Response(document, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/v1/entities/<entity_id>/statement", methods=["GET"])
@protected(blueprint, 403, 404, by_reference=True)
@blueprint.arguments(AsOfQuery, location="query", as_kwargs=True)
@blueprint.response(200, StatementOut)
def statement(entity_id: str, as_of: date | None) -> dict[str, Any]:
    """The entity's statement of account: every entry with the running balance, what is open and how old."""
    return _statement(entity_id, as_of)


@blueprint.route("/v1/entities/<entity_id>/statement.csv", methods=["GET"])
@protected(blueprint, 403, 404, by_reference=True)
@blueprint.arguments(AsOfQuery, location="query", as_kwargs=True)
@blueprint.doc(responses={"200": CSV_RESPONSE})
@blueprint.response(200, description="The statement's entries as CSV.", content_type="text/csv")
def statement_csv(entity_id: str, as_of: date | None) -> Response:
    """The statement's entries as CSV, one a row with the running balance."""
    view = _statement(entity_id, as_of)
    return _csv(handlers.statement_csv(view), f"statement-{view['entity']['entity_id']}-{view['as_of']}.csv")


@blueprint.route("/v1/receivables", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@permissions.staff_only
@blueprint.arguments(AsOfQuery, location="query", as_kwargs=True)
@blueprint.response(200, ReceivablesOut)
def receivables(as_of: date | None) -> dict[str, Any]:
    """What entities owe, aged (not yet due, 1-30, 31-60, 61-90, over 90 days past due), by entity type."""
    with session_scope() as session:
        return handlers.receivables_view(handlers.receivables(session, as_of or california_today()))


@blueprint.route("/v1/receivables.csv", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@permissions.staff_only
@blueprint.arguments(AsOfQuery, location="query", as_kwargs=True)
@blueprint.doc(responses={"200": CSV_RESPONSE})
@blueprint.response(200, description="The receivables report as CSV.", content_type="text/csv")
def receivables_csv(as_of: date | None) -> Response:
    """The receivables report as CSV: a row per entity type and a total row."""
    as_of = as_of or california_today()
    with session_scope() as session:
        report = handlers.receivables(session, as_of)
    return _csv(handlers.receivables_csv(report), f"receivables-{as_of.isoformat()}.csv")
