"""The print queue of Entity Access Code Letters, worked by staff: list, print a batch, mark mailed, resolve.

Only the batch PDF carries the codes; every JSON answer here leaves them out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, NotFound, Unprocessable, register_problems
from correspondence.access_code_letters import handlers
from correspondence.access_code_letters.models import AccessCodeLetter, PrintQueueLogEntry
from correspondence.access_code_letters.schemas import (
    AccessCodeLetterListOut,
    AccessCodeLetterOut,
    LettersQuery,
    MailedIn,
    PrintBatchIn,
    PrintQueueLogOut,
    PrintQueueLogQuery,
    ResolutionIn,
)
from correspondence.domain.access_code_letter import InvalidMailingDate, LetterRuleBroken
from correspondence.permissions import print_queue_clerks_only

blueprint = Blueprint(
    "access_code_letters",
    __name__,
    description="The print queue of Entity Access Code Letters (staff only)",
)
register_problems(
    blueprint,
    {
        handlers.LetterNotFound: lambda error: NotFound(str(error), field=error.field),
        LetterRuleBroken: lambda error: Conflict(str(error), field=error.field),
        InvalidMailingDate: lambda error: Unprocessable(str(error), field=error.field),
    },
)

BATCH_PDF_RESPONSE = {
    "description": "The letters, one after another, as one PDF for printing.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


def clerk() -> handlers.Clerk:
    """The staff member calling, and the client address the request came from."""
    return handlers.Clerk(current_principal().user_id, request.remote_addr)


@blueprint.route("/access-code-letters", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@print_queue_clerks_only
@blueprint.arguments(LettersQuery, location="query")
@blueprint.response(200, AccessCodeLetterListOut)
def list_letters(query: dict[str, Any]) -> dict[str, Any]:
    """Access code letters in one status, oldest first: by default those waiting to be printed and mailed."""
    with session_scope() as session:
        return {"items": handlers.letters(session, query["status"], query["limit"])}


@blueprint.route("/access-code-letters/print", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@print_queue_clerks_only
@blueprint.arguments(PrintBatchIn)
@blueprint.doc(responses={"200": BATCH_PDF_RESPONSE})
@blueprint.response(200, description="The batch PDF.", content_type="application/pdf")
def print_batch(body: dict[str, Any]) -> Response:
    """One PDF of the letters for printing; who downloaded which letters, when and from where is logged."""
    with session_scope() as session:
        document = handlers.print_batch(session, clerk(), [str(letter_id) for letter_id in body["letter_ids"]])
    response = Response(document, mimetype="application/pdf")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    response.headers["Content-Disposition"] = f'attachment; filename="access-code-letters-{stamp}.pdf"'
    # The codes must not stay in any cache on the way.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/access-code-letters/mailed", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@print_queue_clerks_only
@blueprint.arguments(MailedIn)
@blueprint.response(200, AccessCodeLetterListOut)
def mark_mailed(body: dict[str, Any]) -> dict[str, Any]:
    """Record that printed letters were mailed; their PDFs, the only copies of the codes, are destroyed."""
    letter_ids = [str(letter_id) for letter_id in body["letter_ids"]]
    with session_scope() as session:
        return {"items": handlers.mark_mailed(session, clerk(), letter_ids, body.get("mailed_on"))}


@blueprint.route("/access-code-letters/<uuid:letter_id>/resolution", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@print_queue_clerks_only
@blueprint.arguments(ResolutionIn)
@blueprint.response(200, AccessCodeLetterOut)
def resolve(body: dict[str, Any], letter_id: Any) -> AccessCodeLetter:
    """Close a letter that was undeliverable for want of an address of record, saying what was done."""
    with session_scope() as session:
        return handlers.resolve_undeliverable(session, clerk(), str(letter_id), body["resolution"].strip())


@blueprint.route("/access-code-letters/log", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@print_queue_clerks_only
@blueprint.arguments(PrintQueueLogQuery, location="query")
@blueprint.response(200, PrintQueueLogOut)
def print_queue_log(query: dict[str, Any]) -> dict[str, list[PrintQueueLogEntry]]:
    """Who printed, mailed or resolved which letters, when and from where, newest first."""
    letter_id = str(query["letter_id"]) if query.get("letter_id") else None
    with session_scope() as session:
        return {"items": handlers.print_queue_log(session, letter_id, query["limit"])}
