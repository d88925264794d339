"""The one mapping from search parameters to a SearchQuery (public search, exports, saved searches)."""

from dataclasses import fields

from search.domain.query import SearchQuery
from search.query_args import LIST_PARAMETERS, PAGING_PARAMETERS, PARAMETER_OF, paging_options, query_from_filters


def test_every_search_query_field_has_one_parameter():
    assert sorted(PARAMETER_OF) == sorted(field.name for field in fields(SearchQuery))
    assert PARAMETER_OF["zip_codes"] == "zip" and PARAMETER_OF["text"] == "q" and PARAMETER_OF["limit"] == "limit"


def test_loaded_parameters_and_paging_make_the_query():
    arguments = {"q": "nurse", "state": ["CA"], "form": [], "include_history": None, "limit": 5, "after": None}
    query = query_from_filters(arguments, **paging_options(arguments))
    assert query == SearchQuery(text="nurse", states=("CA",), limit=5)
    assert set(paging_options({"exact_count": True, "after": "abc"})) == {"exact_count", "after"}
    assert set(PAGING_PARAMETERS).isdisjoint(LIST_PARAMETERS)
