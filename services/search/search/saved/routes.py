"""Saved search routes: a signed-in person's searches and reports, and the public, read-only shared link."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from cars_shared.config import PORTAL_URL
from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, NotFound, Unprocessable, documents_problems
from search import permissions
from search.domain.query import ImpossibleQuery
from search.exports.routes import impossible_in_body
from search.index import SearchIndex
from search.models import SavedSearch
from search.saved import handlers
from search.saved.handlers import NameTaken, SavedRun, SavedSearchNotFound, ShareLinkNotValid, TooManySaved
from search.saved.schemas import (
    PageQuery,
    SavedRunOut,
    SavedSearchChange,
    SavedSearchesOut,
    SavedSearchIn,
    SavedSearchOut,
)
from search.saved.share_tokens import share_link

blueprint = Blueprint("saved_searches", __name__, description="Saved searches and reports, alerts and share links")

problems = {
    SavedSearchNotFound: lambda _error: NotFound("No saved search of yours has this id.", field="saved_search_id"),
    ShareLinkNotValid: lambda _error: NotFound("This share link is not valid, or it was revoked.", field="token"),
    NameTaken: lambda _error: Conflict("You already have a saved search of this name.", field="name"),
    TooManySaved: lambda error: Unprocessable(str(error).capitalize() + ".", field="name"),
}


@contextmanager
def _impossible_in_body() -> Iterator[None]:
    try:
        yield
    except ImpossibleQuery as error:
        raise impossible_in_body(error) from error


def _index() -> SearchIndex:
    return current_app.extensions["search.index"]


def saved_out(saved: SavedSearch) -> dict[str, Any]:
    return {
        "id": saved.id,
        "name": saved.name,
        "query": saved.filters,
        "report": saved.report,
        "schedule": saved.schedule,
        "next_run_at": saved.next_run_at,
        "last_run_at": saved.last_run_at,
        "share_url": share_link(PORTAL_URL.get(), saved.share_token) if saved.share_token else None,
        "created_at": saved.created_at,
        "updated_at": saved.updated_at,
    }


def run_out(saved: SavedSearch, run: SavedRun) -> dict[str, Any]:
    return {
        "name": saved.name,
        "query": saved.filters,
        "results": run.results.documents,
        "count": run.results.count,
        "count_exact": run.results.count_exact,
        "next_cursor": run.results.next_cursor,
        "report": run.report,
    }


@blueprint.route("/saved-searches", methods=["POST"])
@blueprint.arguments(SavedSearchIn)
@blueprint.response(201, SavedSearchOut)
@protected(blueprint, 400, 409)
def save_search(body: dict[str, Any]) -> dict[str, Any]:
    """Save a search (and optionally a report over it) under a name; schedule it for alerts on new results."""
    with session_scope() as session, _impossible_in_body():
        saved = handlers.create_saved_search(
            session,
            _index(),
            user_id=current_principal().user_id,
            name=body["name"],
            filters=body["query"],
            report=body.get("report"),
            schedule=body["schedule"],
            now=datetime.now(UTC),
        )
        return saved_out(saved)


@blueprint.route("/saved-searches", methods=["GET"])
@blueprint.response(200, SavedSearchesOut)
@protected(blueprint)
def my_saved_searches() -> dict[str, Any]:
    """The caller's saved searches, by name."""
    with session_scope() as session:
        mine = handlers.saved_searches_of(session, current_principal().user_id)
        return {"saved_searches": [saved_out(saved) for saved in mine]}


@blueprint.route("/saved-searches/<saved_search_id>", methods=["GET"])
@blueprint.response(200, SavedSearchOut)
@protected(blueprint, 404)
def saved_search(saved_search_id: str) -> dict[str, Any]:
    """One of the caller's saved searches."""
    with session_scope() as session:
        return saved_out(handlers.saved_search_of(session, current_principal().user_id, saved_search_id))


@blueprint.route("/saved-searches/<saved_search_id>", methods=["PATCH"])
@blueprint.arguments(SavedSearchChange)
@blueprint.response(200, SavedSearchOut)
@protected(blueprint, 400, 404, 409)
def change_saved_search(body: dict[str, Any], saved_search_id: str) -> dict[str, Any]:
    """Rename it, or change its search, report or schedule (a changed search or schedule alerts only on what
    arrives from now on)."""
    changes = {("filters" if key == "query" else key): value for key, value in body.items()}
    with session_scope() as session, _impossible_in_body():
        saved = handlers.change_saved_search(
            session,
            _index(),
            user_id=current_principal().user_id,
            saved_search_id=saved_search_id,
            changes=changes,
            now=datetime.now(UTC),
        )
        return saved_out(saved)


@blueprint.route("/saved-searches/<saved_search_id>", methods=["DELETE"])
@blueprint.response(204)
@protected(blueprint, 404)
def delete_saved_search(saved_search_id: str) -> None:
    """Delete the saved search; its share link, and the public alerts of it, stop working."""
    with session_scope() as session:
        handlers.delete_saved_search(
            session, user_id=current_principal().user_id, saved_search_id=saved_search_id, now=datetime.now(UTC)
        )


@blueprint.route("/saved-searches/<saved_search_id>/results", methods=["GET"])
@blueprint.arguments(PageQuery, location="query")
@blueprint.response(200, SavedRunOut)
@protected(blueprint, 400, 404)
def rerun_saved_search(page: dict[str, Any], saved_search_id: str) -> dict[str, Any]:
    """Run the saved search now: a page of its results and its report."""
    with session_scope() as session:
        saved = handlers.saved_search_of(session, current_principal().user_id, saved_search_id)
        return run_out(saved, handlers.run_saved_search(_index(), saved, limit=page["limit"], after=page.get("after")))


@blueprint.route("/saved-searches/<saved_search_id>/share", methods=["PUT"])
@blueprint.response(200, SavedSearchOut)
@protected(blueprint, 404)
def share_saved_search(saved_search_id: str) -> dict[str, Any]:
    """Make a share link (share_url): anyone holding it may run the search, without an account, and subscribe by
    e-mail to its new results (a daily public run), until the link is revoked."""
    with session_scope() as session:
        saved = handlers.share(
            session,
            _index(),
            user_id=current_principal().user_id,
            saved_search_id=saved_search_id,
            now=datetime.now(UTC),
        )
        return saved_out(saved)


@blueprint.route("/saved-searches/<saved_search_id>/share", methods=["DELETE"])
@blueprint.response(200, SavedSearchOut)
@protected(blueprint, 404)
def revoke_saved_search_share(saved_search_id: str) -> dict[str, Any]:
    """Revoke the share link: it stops working at once, and its public e-mail alerts end."""
    with session_scope() as session:
        saved = handlers.revoke_share(
            session, user_id=current_principal().user_id, saved_search_id=saved_search_id, now=datetime.now(UTC)
        )
        return saved_out(saved)


@blueprint.route("/shared/<token>", methods=["GET"])
@permissions.public_read
@blueprint.arguments(PageQuery, location="query")
@blueprint.response(200, SavedRunOut)
@documents_problems(blueprint, 400, 404)
def shared_search(page: dict[str, Any], token: str) -> dict[str, Any]:
    """Run a shared search, read-only and without an account."""
    with session_scope() as session:
        saved = handlers.shared_search(session, token)
        return run_out(saved, handlers.run_saved_search(_index(), saved, limit=page["limit"], after=page.get("after")))
