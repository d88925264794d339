"""The correspondence HTTP gateway."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, request
from flask_smorest import Blueprint

from cars_shared.logging import get_logger
from cars_shared.web.app import create_gateway, protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import NotFound, Problem, Unprocessable
from correspondence import handlers, permissions, rendering
from correspondence.access_code_letters import routes as access_code_letter_routes
from correspondence.blob_store import BlobStore, configured_blob_store
from correspondence.domain.access import Reader
from correspondence.models import Correspondence
from correspondence.permissions import correspondence_staff_only
from correspondence.schemas import (
    ComplianceLetterIn,
    CorrespondenceListOut,
    CorrespondenceOut,
    IssueProgressOut,
    MineQuery,
    StaffActionListOut,
    StaffActionsQuery,
)

log = get_logger(__name__)

blueprint = Blueprint("correspondence", __name__, description="Notices and letters issued to filers")

PDF_RESPONSE = {
    "description": "The PDF document.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}
NOT_FOUND_DETAIL = "No correspondence with this id is available to you."


def _reader(session: Any) -> Reader:
    principal = current_principal()
    projected = handlers.reader_of(session, principal.user_id, principal.roles).entity_ids
    return permissions.reader_of(principal, projected)


def _readable(session: Any, correspondence_id: str) -> Correspondence:
    correspondence = handlers.find_readable(session, _reader(session), correspondence_id)
    if correspondence is None:
        raise NotFound(NOT_FOUND_DETAIL)
    return correspondence


def _as_seen(correspondence: Correspondence, read_at: datetime | None) -> dict[str, Any]:
    """The correspondence as the caller sees it: its record and when they marked it read."""
    seen = {column.key: getattr(correspondence, column.key) for column in Correspondence.__table__.columns}
    return seen | {"read_at": read_at}


@blueprint.route("/mine", methods=["GET"])
@blueprint.arguments(MineQuery, location="query")
@blueprint.response(200, CorrespondenceListOut)
@protected(blueprint, by_reference=True)
def mine(query: dict[str, Any]) -> dict[str, Any]:
    """Correspondence addressed to the caller or to an entity they are linked to (staff: all), newest first.

    Narrowed by kind, days of issue, entity, or to what the caller has not marked read.
    """
    filters = handlers.Filters(
        kind=query.get("kind"),
        issued_from=query.get("issued_from"),
        issued_to=query.get("issued_to"),
        entity_id=query.get("entity_id"),
        unread=query["unread"],
    )
    with session_scope() as session:
        reader = _reader(session)
        items = handlers.readable_by(session, reader, query["limit"], filters)
        marks = handlers.read_marks(session, reader.user_id, [item.id for item in items])
        return {"items": [_as_seen(item, marks.get(item.id)) for item in items]}


@blueprint.route("/<uuid:correspondence_id>", methods=["GET"])
@blueprint.response(200, CorrespondenceOut)
@protected(blueprint, 404, by_reference=True)
def metadata(correspondence_id: Any) -> dict[str, Any]:
    """What a piece of correspondence is; 404 if it does not exist or is not the caller's to read."""
    with session_scope() as session:
        correspondence = _readable(session, str(correspondence_id))
        marks = handlers.read_marks(session, current_principal().user_id, [correspondence.id])
        return _as_seen(correspondence, marks.get(correspondence.id))


@blueprint.route("/<uuid:correspondence_id>/read", methods=["POST"])
@blueprint.response(200, CorrespondenceOut)
@protected(blueprint, 404, by_reference=True)
def mark_read(correspondence_id: Any) -> dict[str, Any]:
    """Mark correspondence read for the caller (each linked user has their own mark); marking again changes nothing."""
    with session_scope() as session:
        marked = handlers.mark_read(session, _reader(session), str(correspondence_id))
        if marked is None:
            raise NotFound(NOT_FOUND_DETAIL)
        return _as_seen(*marked)


@blueprint.route("/compliance-letters", methods=["POST"])
@protected(blueprint, 403, 422, by_reference=True)
@correspondence_staff_only
@blueprint.arguments(ComplianceLetterIn)
@blueprint.response(201, CorrespondenceOut)
@blueprint.alt_response(200, schema=CorrespondenceOut, description="The letter an earlier identical request issued.")
def issue_compliance_letter(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Staff issue an ad hoc compliance letter to an entity; its linked users find it in their correspondence.

    Recorded in the staff action log. Sending the same `request_id` again answers the letter already issued.
    """
    staff = handlers.StaffMember(current_principal().user_id, request.remote_addr)
    with session_scope() as session:
        try:
            letter, issued = handlers.issue_compliance_letter(
                session, current_app.extensions["correspondence.blobs"], staff, body
            )
        except handlers.EntityNameUnknown as unknown:
            raise Unprocessable(str(unknown), field=unknown.field) from unknown
        if issued:
            log.info("compliance_letter_issued", correspondence_id=letter.id, entity_id=letter.entity_id)
        return _as_seen(letter, None), 201 if issued else 200


@blueprint.route("/staff-actions", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@correspondence_staff_only
@blueprint.arguments(StaffActionsQuery, location="query")
@blueprint.response(200, StaffActionListOut)
def staff_actions(query: dict[str, Any]) -> dict[str, Any]:
    """The staff action log of correspondence (letters issued by staff), newest first."""
    with session_scope() as session:
        return {"items": handlers.staff_actions(session, query["limit"])}


@blueprint.route("/staff/issue-progress", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@correspondence_staff_only
@blueprint.response(200, IssueProgressOut)
def issue_progress() -> dict[str, Any]:
    """Per kind of correspondence: how many are waiting for their PDF, could not be drawn, and are issued.

    Notices issued in bulk (the yearly Annual Fee Notices) are recorded first and drawn by the worker's render
    processes; each is visible to its readers once its PDF is stored.
    """
    with session_scope() as session:
        return {"kinds": rendering.progress(session)}


@blueprint.route("/<uuid:correspondence_id>/pdf", methods=["GET"])
@blueprint.doc(responses={"200": PDF_RESPONSE})
@blueprint.response(200, description="The PDF document.", content_type="application/pdf")
@protected(blueprint, 404, 500, by_reference=True)
def pdf(correspondence_id: Any) -> Response:
    """The PDF, checked against the SHA-256 recorded when it was issued."""
    with session_scope() as session:
        correspondence = _readable(session, str(correspondence_id))
    try:
        document = handlers.document_of(correspondence, current_app.extensions["correspondence.blobs"])
    except handlers.DocumentUnavailable as error:
        log.error("correspondence_document_unavailable", correspondence_id=correspondence.id, error=str(error))
        raise Problem(
            "The document cannot be served right now; the Division has been alerted.",
            status=500,
            title="Internal Server Error",
        ) from error
    response = Response(document, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{correspondence.number}.pdf"'
    response.headers["Cache-Control"] = "private, max-age=0"
    response.set_etag(correspondence.sha256)
    return response


def create_app(*, blob_store: BlobStore | None = None, **options: Any) -> Flask:
    app = create_gateway(
        "correspondence", [blueprint, access_code_letter_routes.blueprint], title="CARS correspondence", **options
    )
    app.extensions["correspondence.blobs"] = blob_store or configured_blob_store()
    return app
