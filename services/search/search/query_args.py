"""Search filter parameters -> SearchQuery: the one mapping the public search, exports and saved searches use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from search.domain.query import SearchQuery, check_query

# Query parameter -> SearchQuery field, for lists (repeated parameters) and single values.
LIST_PARAMETERS = {
    "kind": "kinds",
    "entity_type": "entity_types",
    "form": "forms",
    "schedule": "schedules",
    "entity_id": "entity_ids",
    "city": "cities",
    "state": "states",
    "zip": "zip_codes",
    "employer": "employers",
    "occupation": "occupations",
    "election_cycle": "election_cycles",
}
SINGLE_PARAMETERS = {
    "q": "text",
    "date_from": "date_from",
    "date_to": "date_to",
    "filed_from": "filed_from",
    "filed_to": "filed_to",
    "amount_min": "amount_min",
    "amount_max": "amount_max",
    "include_history": "include_history",
    "sort": "sort",
}
# Paging parameters of a page of results (same name as the SearchQuery field); exports and saved searches set
# them themselves.
PAGING_PARAMETERS = ("limit", "after", "exact_count")
# SearchQuery field -> the parameter that sets it, to name the parameter in an error.
PARAMETER_OF = {
    field: parameter
    for parameter, field in {
        **LIST_PARAMETERS,
        **SINGLE_PARAMETERS,
        **{name: name for name in PAGING_PARAMETERS},
    }.items()
}


def query_from_filters(filters: Mapping[str, Any], **options: Any) -> SearchQuery:
    """The SearchQuery of loaded filters; `options` set limit, after or exact_count. ImpossibleQuery (naming the
    SearchQuery field; PARAMETER_OF gives the parameter) when no document could match."""
    values: dict[str, Any] = {
        field: tuple(filters[name]) for name, field in LIST_PARAMETERS.items() if filters.get(name)
    }
    values.update({field: filters[name] for name, field in SINGLE_PARAMETERS.items() if filters.get(name) is not None})
    query = SearchQuery(**values, **options)
    check_query(query)
    return query


def paging_options(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The paging parameters given (not None), as `query_from_filters` options."""
    return {name: arguments[name] for name in PAGING_PARAMETERS if arguments.get(name) is not None}
