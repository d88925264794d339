"""Reading filings: versions, the differences between them, and entities' filing histories.

Each version, its line items and the differences between versions answer the public view unless `view=full`
is asked; the full view is only for those the filing's permissions entitle (401 without a token, 403 with one
not entitled), never silently the public one.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from cars_shared.logging import get_logger
from cars_shared.web.app import BEARER, session_scope
from cars_shared.web.auth import bearer_token, current_principal
from cars_shared.web.problems import Forbidden, NotFound, documents_problems
from filings.domain.forms.declaration import PartKind
from filings.models import Filing
from filings.permissions import Caller
from filings.versions import handlers
from filings.versions.schemas import (
    DiffLinesOut,
    DiffLinesQuery,
    DiffOut,
    DiffQuery,
    EntityFilingsOut,
    EntityFilingsQuery,
    FilingVersionOut,
    LinesPageOut,
    LinesQuery,
    VersionsOut,
    ViewQuery,
)
from filings.versions.visibility import ANYONE, Reader, View

log = get_logger(__name__)

blueprint = Blueprint(
    "versions", __name__, description="Filings and their versions as filed, with what changed between versions"
)

# Filing IDs are UUIDs; legacy CAL-ACCESS filing numbers are kept as text.
FILING_ID = r"[A-Za-z0-9-]{1,36}"
ENTITY_ID = r"[A-Za-z0-9]{1,20}"
# Public to everyone; a token, when sent, lets its vendor or staff read sandbox filings too.
ANYONE_OR_BEARER = [{}, *BEARER]
NO_STORE = {"Cache-Control": "no-store"}


def public_read(view: Any) -> Any:
    """A route anyone may call; an invalid token is refused (401) rather than silently ignored."""
    return blueprint.doc(security=ANYONE_OR_BEARER)(documents_problems(blueprint, 401, 404, by_reference=True)(view))


def read_in_views(view: Any) -> Any:
    """A public read that also answers the full view to those entitled (403 to a token that is not)."""
    return public_read(documents_problems(blueprint, 403, by_reference=True)(view))


def reader() -> Reader:
    """Who reads: anyone without a token, else who the (verified) token says."""
    if not request.headers.get("Authorization"):
        return ANYONE
    return Reader.of(Caller.of(current_principal()))


def no_filing(filing_id: str) -> NotFound:
    return NotFound(f"No filing has ID {filing_id}.")


def checked_filing_id(filing_id: str) -> str:
    if not re.fullmatch(FILING_ID, filing_id):
        raise no_filing(filing_id)
    return filing_id


def version_or_404(
    session: Session, filing_id: str, amendment: int | None, field: str | None = None
) -> tuple[Filing, int]:
    """The version the reader asked for and may see, with the latest amendment number; else a 404 problem."""
    found = handlers.version(session, checked_filing_id(filing_id), amendment, reader())
    if found is None:
        if amendment is None or not handlers.versions(session, filing_id, reader()):
            raise no_filing(filing_id)
        raise NotFound(f"Filing {filing_id} has no version {amendment}.", field=field)
    return found


def require_view(view: View, *filings: Filing) -> View:
    """The view asked for, once the reader may have it: the full view needs an entitled token."""
    if view == View.FULL:
        bearer_token()  # without a token: 401, as any protected read answers, rather than a bare refusal
        entitled = reader()
        if not all(entitled.may_read_full(filing) for filing in filings):
            raise Forbidden(
                "The full view of a filing is for its entity's officers, agents and viewers, partners with a "
                "running grant for the entity, staff, and the vendor software that submitted it.",
                field="view",
            )
        # Who read private fields, and of which filing, stays on record (the fields themselves are never logged).
        subject = entitled.caller.subject if entitled.caller else None
        log.info("filing_read_in_full", reader=subject, filing_id=filings[0].filing_id)
    return view


def in_view(body: dict[str, Any], view: View) -> Any:
    """The answer; in the full view marked so that no cache keeps the private fields it holds."""
    return (body, 200, NO_STORE) if view == View.FULL else body


def part_or_404(filing: Filing, part: str, view: View) -> handlers.ShownPart:
    found = handlers.part_in_view(handlers.form_of(filing), part, PartKind.LINES, view)
    if found is None:
        shown = "public " if view == View.PUBLIC else ""
        raise NotFound(f"Form {filing.form} has no {shown}list of line items named {part!r}.")
    return found


@blueprint.route("/v1/filings/<filing_id>", methods=["GET"])
@read_in_views
@blueprint.arguments(ViewQuery, location="query")
@blueprint.response(200, FilingVersionOut)
def latest_version(query: dict[str, Any], filing_id: str) -> Any:
    """A filing in its latest version: form, period, signer and each part, as the public sees it
    (`view=full`: everything as filed, for those entitled).
    """
    with session_scope() as session:
        filing, latest = version_or_404(session, filing_id, None)
        view = require_view(query["view"], filing)
        return in_view(handlers.as_version(filing, latest, handlers.entity_name(session, filing.entity_id), view), view)


@blueprint.route("/v1/filings/<filing_id>/versions", methods=["GET"])
@public_read
@blueprint.response(200, VersionsOut)
def versions(filing_id: str) -> dict[str, Any]:
    """Every version of a filing, the original (amendment 0) first, with when each was filed and its status."""
    with session_scope() as session:
        found = handlers.versions(session, checked_filing_id(filing_id), reader())
        if not found:
            raise no_filing(filing_id)
        return handlers.history(found)


@blueprint.route("/v1/filings/<filing_id>/versions/<int:amendment>", methods=["GET"])
@read_in_views
@blueprint.arguments(ViewQuery, location="query")
@blueprint.response(200, FilingVersionOut)
def one_version(query: dict[str, Any], filing_id: str, amendment: int) -> Any:
    """One version of a filing as filed (0 is the original), as the public sees it (`view=full`: everything
    as filed, private fields and parts included, for those entitled).
    """
    with session_scope() as session:
        filing, latest = version_or_404(session, filing_id, amendment)
        view = require_view(query["view"], filing)
        return in_view(handlers.as_version(filing, latest, handlers.entity_name(session, filing.entity_id), view), view)


@blueprint.route("/v1/filings/<filing_id>/versions/<int:amendment>/lines/<part>", methods=["GET"])
@read_in_views
@blueprint.arguments(LinesQuery, location="query")
@blueprint.response(200, LinesPageOut)
def lines(query: dict[str, Any], filing_id: str, amendment: int, part: str) -> Any:
    """A page of the line items of one part (such as Schedule A) of a version, in line order: their public
    fields, or with `view=full` every field of any part, for those entitled.
    """
    with session_scope() as session:
        filing, _latest = version_or_404(session, filing_id, amendment)
        view = require_view(query["view"], filing)
        shown = handlers.line_part(filing, part, view) or part_or_404(filing, part, view)
        page = handlers.lines_page(session, filing, shown, query["after"], query["limit"])
        return in_view(page, view)


@blueprint.route("/v1/filings/<filing_id>/diff", methods=["GET"])
@read_in_views
@blueprint.arguments(DiffQuery, location="query")
@blueprint.response(200, DiffOut)
def diff(query: dict[str, Any], filing_id: str) -> Any:
    """What changed between two versions: period and signer, fields of each record, and lines added,
    removed or changed per list of line items (matched by line number), the first `limit` of them listed;
    in the public view, or with `view=full` private fields included, for those entitled.
    """
    with session_scope() as session:
        older, _ = version_or_404(session, filing_id, query["from_amendment"], field="from")
        newer, _ = version_or_404(session, filing_id, query["to_amendment"], field="to")
        view = require_view(query["view"], older, newer)
        return in_view(handlers.diff(session, older, newer, query["limit"], view), view)


@blueprint.route("/v1/filings/<filing_id>/diff/lines/<part>", methods=["GET"])
@read_in_views
@blueprint.arguments(DiffLinesQuery, location="query")
@blueprint.response(200, DiffLinesOut)
def diff_lines(query: dict[str, Any], filing_id: str, part: str) -> Any:
    """More line changes of one part between two versions, after line `after` (a diff's `next_after`)."""
    with session_scope() as session:
        older, _ = version_or_404(session, filing_id, query["from_amendment"], field="from")
        newer, _ = version_or_404(session, filing_id, query["to_amendment"], field="to")
        view = require_view(query["view"], older, newer)
        page = handlers.diff_lines_page(
            session, older, newer, part_or_404(newer, part, view), query["after"], query["limit"]
        )
        return in_view(page, view)


@blueprint.route("/v1/entities/<entity_id>/filings", methods=["GET"])
@public_read
@blueprint.arguments(EntityFilingsQuery, location="query")
@blueprint.response(200, EntityFilingsOut)
def entity_filings(query: dict[str, Any], entity_id: str) -> dict[str, Any]:
    """An entity's filings, the most recently first filed first, each in its latest version; keyset-paginated."""
    page = None
    if re.fullmatch(ENTITY_ID, entity_id):
        with session_scope() as session:
            page = handlers.entity_filings(session, entity_id, reader(), query.get("before"), query["limit"])
    if page is None:
        raise NotFound(f"No filing entity has ID {entity_id}.")
    return page
