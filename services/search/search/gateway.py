"""The search HTTP gateway: public search, no account needed."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_smorest import Blueprint

from cars_shared.web.app import create_gateway
from search import handlers, permissions
from search.domain.query import SearchQuery, SearchResults
from search.index import SearchIndex, open_index
from search.schemas import DocumentQuery, SearchResultsOut

blueprint = Blueprint("search", __name__, description="Public search of filings and filers")


def current_index() -> SearchIndex:
    return current_app.extensions["search.index"]


@blueprint.route("/documents", methods=["GET"])
@permissions.public_read
@blueprint.arguments(DocumentQuery, location="query", as_kwargs=True)
@blueprint.response(200, SearchResultsOut)
def documents(limit: int, q: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """Filings and filers matching the words of `q`, best match first."""
    results: SearchResults = handlers.find_documents(current_index(), SearchQuery(text=q, kind=kind, limit=limit))
    return {"results": results.documents, "count": results.count}


def create_app(index: SearchIndex | None = None, **options: Any) -> Flask:
    app = create_gateway("search", [blueprint], title="CARS search", **options)
    app.extensions["search.index"] = index or open_index()
    return app
