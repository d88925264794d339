"""Reading filings: versions, the differences between them, and entities' filing histories."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from cars_shared.web.app import BEARER, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import NotFound, documents_problems
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
)
from filings.versions.visibility import ANYONE, Reader

blueprint = Blueprint(
    "versions", __name__, description="Filings and their versions as filed, with what changed between versions"
)

# Filing IDs are UUIDs; legacy CAL-ACCESS filing numbers are kept as text.
FILING_ID = r"[A-Za-z0-9-]{1,36}"
ENTITY_ID = r"[A-Za-z0-9]{1,20}"
# Public to everyone; a token, when sent, lets its vendor or staff read sandbox filings too.
ANYONE_OR_BEARER = [{}, *BEARER]


def public_read(view: Any) -> Any:
    """A route anyone may call; an invalid token is refused (401) rather than silently ignored."""
    return blueprint.doc(security=ANYONE_OR_BEARER)(documents_problems(blueprint, 401, 404, by_reference=True)(view))


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


def public_part_or_404(filing: Filing, part: str) -> handlers.PublicPart:
    found = handlers.public_part(handlers.form_of(filing), part, PartKind.LINES)
    if found is None:
        raise NotFound(f"Form {filing.form} has no public list of line items named {part!r}.")
    return found


@blueprint.route("/v1/filings/<filing_id>", methods=["GET"])
@public_read
@blueprint.response(200, FilingVersionOut)
def latest_version(filing_id: str) -> dict[str, Any]:
    """A filing in its latest version, as the public sees it: form, period, signer and each public part."""
    with session_scope() as session:
        filing, latest = version_or_404(session, filing_id, None)
        return handlers.as_public_version(filing, latest, handlers.entity_name(session, filing.entity_id))


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
@public_read
@blueprint.response(200, FilingVersionOut)
def one_version(filing_id: str, amendment: int) -> dict[str, Any]:
    """One version of a filing as filed (0 is the original), as the public sees it."""
    with session_scope() as session:
        filing, latest = version_or_404(session, filing_id, amendment)
        return handlers.as_public_version(filing, latest, handlers.entity_name(session, filing.entity_id))


@blueprint.route("/v1/filings/<filing_id>/versions/<int:amendment>/lines/<part>", methods=["GET"])
@public_read
@blueprint.arguments(LinesQuery, location="query")
@blueprint.response(200, LinesPageOut)
def lines(query: dict[str, Any], filing_id: str, amendment: int, part: str) -> dict[str, Any]:
    """A page of the public line items of one part (such as Schedule A) of a version, in line order."""
    with session_scope() as session:
        filing, _latest = version_or_404(session, filing_id, amendment)
        return handlers.lines_page(session, filing, public_part_or_404(filing, part), query["after"], query["limit"])


@blueprint.route("/v1/filings/<filing_id>/diff", methods=["GET"])
@public_read
@blueprint.arguments(DiffQuery, location="query")
@blueprint.response(200, DiffOut)
def diff(query: dict[str, Any], filing_id: str) -> dict[str, Any]:
    """What changed between two versions: period and signer, fields of each record, and lines added,
    removed or changed per list of line items (matched by line number), the first `limit` of them listed.
    """
    with session_scope() as session:
        older, _ = version_or_404(session, filing_id, query["from_amendment"], field="from")
        newer, _ = version_or_404(session, filing_id, query["to_amendment"], field="to")
        return handlers.diff(session, older, newer, query["limit"])


@blueprint.route("/v1/filings/<filing_id>/diff/lines/<part>", methods=["GET"])
@public_read
@blueprint.arguments(DiffLinesQuery, location="query")
@blueprint.response(200, DiffLinesOut)
def diff_lines(query: dict[str, Any], filing_id: str, part: str) -> dict[str, Any]:
    """More line changes of one part between two versions, after line `after` (a diff's `next_after`)."""
    with session_scope() as session:
        older, _ = version_or_404(session, filing_id, query["from_amendment"], field="from")
        newer, _ = version_or_404(session, filing_id, query["to_amendment"], field="to")
        return handlers.diff_lines_page(
            session, older, newer, public_part_or_404(newer, part), query["after"], query["limit"]
        )


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
