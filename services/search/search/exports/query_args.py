"""The search filters of an export or a saved search (the gateway's filter parameters plus the order), as query
parameters or a JSON object, and the SearchQuery they make."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import fields, validate

from search.domain.query import SORTS, SearchQuery
from search.query_args import PARAMETER_OF, query_from_filters
from search.schemas import FilterQuery

__all__ = [
    "PARAMETER_OF",
    "SearchFilters",
    "query_from_args",
    "query_from_filters",
    "query_from_stored",
    "stored_filters",
]


class SearchFilters(FilterQuery):
    """What to find, and in which order the rows come."""

    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={
            "description": "relevance (newest first without words; the default), date, -date, amount, -amount, "
            "filed, -filed (by filing date)."
        },
    )


_SCHEMA = SearchFilters()


def stored_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Loaded filters as JSON-ready values (dates and amounts as text), to keep with a job or a saved search."""
    dumped = _SCHEMA.dump(filters)
    return {name: str(value) if isinstance(value, Decimal) else value for name, value in dumped.items()}


def query_from_stored(stored: Mapping[str, Any], **options: Any) -> SearchQuery:
    """The SearchQuery of filters kept by `stored_filters`."""
    return query_from_filters(_SCHEMA.load(stored), **options)


def query_from_args(args: Mapping[str, Any], **options: Any) -> SearchQuery:
    """The SearchQuery of raw filter values (a JSON object); ValidationError or ImpossibleQuery name the field."""
    return query_from_filters(_SCHEMA.load(args), **options)
