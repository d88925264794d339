"""The correspondence HTTP gateway."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app
from flask_smorest import Blueprint

from cars_shared.logging import get_logger
from cars_shared.web.app import create_gateway, protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import NotFound, Problem
from correspondence import handlers, permissions
from correspondence.access_code_letters import routes as access_code_letter_routes
from correspondence.blob_store import BlobStore, configured_blob_store
from correspondence.domain.access import Reader
from correspondence.models import Correspondence
from correspondence.schemas import CorrespondenceListOut, CorrespondenceOut, MineQuery

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


@blueprint.route("/mine", methods=["GET"])
@blueprint.arguments(MineQuery, location="query")
@blueprint.response(200, CorrespondenceListOut)
@protected(blueprint, by_reference=True)
def mine(query: dict[str, Any]) -> dict[str, Any]:
    """Correspondence addressed to the caller or to an entity they are linked to, newest first."""
    with session_scope() as session:
        return {"items": handlers.readable_by(session, _reader(session), query["limit"])}


@blueprint.route("/<uuid:correspondence_id>", methods=["GET"])
@blueprint.response(200, CorrespondenceOut)
@protected(blueprint, 404, by_reference=True)
def metadata(correspondence_id: Any) -> Correspondence:
    """What a piece of correspondence is; 404 if it does not exist or is not the caller's to read."""
    with session_scope() as session:
        return _readable(session, str(correspondence_id))


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
