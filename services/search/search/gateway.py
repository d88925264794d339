"""The search HTTP gateway: public search, no account needed."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_smorest import Blueprint

from cars_shared.web.app import create_gateway
from cars_shared.web.problems import NotFound, Problem, documents_problems
from search import handlers, permissions
from search.domain.query import BadCursor, ImpossibleQuery, SearchQuery
from search.exports import routes as export_routes
from search.index import SearchIndex, open_index
from search.query_args import PARAMETER_OF, paging_options, query_from_filters
from search.saved import routes as saved_routes
from search.schemas import (
    AggregateOut,
    AggregateQuery,
    DocumentOut,
    DocumentQuery,
    SearchResultsOut,
    TypeaheadOut,
    TypeaheadQuery,
)

blueprint = Blueprint("search", __name__, description="Public search of filings, filers and transactions")


def current_index() -> SearchIndex:
    return current_app.extensions["search.index"]


def search_query(arguments: dict[str, Any]) -> SearchQuery:
    """The SearchQuery of validated parameters; a 400 problem naming the parameter when it can match nothing."""
    try:
        return query_from_filters(arguments, **paging_options(arguments))
    except ImpossibleQuery as error:
        raise Problem(error.message, field=PARAMETER_OF.get(error.field, error.field)) from error


@blueprint.route("/documents", methods=["GET"])
@permissions.public_read
@blueprint.arguments(DocumentQuery, location="query")
@blueprint.response(200, SearchResultsOut)
@documents_problems(blueprint, 400, by_reference=True)
def documents(arguments: dict[str, Any]) -> dict[str, Any]:
    """Filings, filers and transactions matching the words of `q` and every filter given, one page at a time
    (`next_cursor`); best match first, or as `sort` says. Only current rows unless `include_history`."""
    query = search_query(arguments)
    try:
        results = handlers.find_documents(current_index(), query)
    except BadCursor as error:
        raise Problem(str(error), field="after") from error
    return {
        "results": results.documents,
        "count": results.count,
        "count_exact": results.count_exact,
        "next_cursor": results.next_cursor,
    }


@blueprint.route("/documents/<path:document_id>", methods=["GET"])
@permissions.public_read
@blueprint.response(200, DocumentOut)
@documents_problems(blueprint, 404, by_reference=True)
def document(document_id: str) -> Any:
    """One document by its id, as a search answered it."""
    found = current_index().get(document_id) if len(document_id) <= 300 else None
    if found is None:
        raise NotFound(f"No document has id {document_id!r}.", field="document_id")
    return found


@blueprint.route("/aggregates", methods=["GET"])
@permissions.public_read
@blueprint.arguments(AggregateQuery, location="query")
@blueprint.response(200, AggregateOut)
@documents_problems(blueprint, 400, by_reference=True)
def aggregates(arguments: dict[str, Any]) -> Any:
    """Dollar totals of the matching transactions by contributor (or payee) name, employer, month, ZIP or filer;
    the `top` largest first."""
    by, top = arguments.pop("by"), arguments.pop("top")
    return current_index().aggregate(search_query(arguments), by, top)


@blueprint.route("/typeahead", methods=["GET"])
@permissions.public_read
@blueprint.arguments(TypeaheadQuery, location="query")
@blueprint.response(200, TypeaheadOut)
def typeahead(arguments: dict[str, Any]) -> dict[str, Any]:
    """Names starting with `prefix`: filers first, then the people and organizations in their transactions."""
    return {"suggestions": current_index().suggest(arguments["prefix"], arguments["limit"])}


def create_app(index: SearchIndex | None = None, **options: Any) -> Flask:
    problems = {**export_routes.problems, **saved_routes.problems, **options.pop("problems", {})}
    blueprints = [blueprint, export_routes.blueprint, saved_routes.blueprint]
    app = create_gateway("search", blueprints, title="CARS search", problems=problems, **options)
    app.extensions["search.index"] = index or open_index()
    return app
