from datetime import date
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from search.domain.query import ImpossibleQuery, SearchQuery
from search.exports.query_args import PARAMETER_OF, SearchFilters, query_from_args, query_from_stored, stored_filters


def test_filters_make_the_search_query_they_name():
    query = query_from_args(
        {
            "q": "teacher",
            "kind": ["transaction"],
            "city": ["Sacramento", "Davis"],
            "zip": ["95814"],
            "election_cycle": [2026],
            "date_from": "2026-01-01",
            "amount_min": "100",
            "sort": "-amount",
        },
        limit=50,
    )
    assert query == SearchQuery(
        text="teacher",
        kinds=("transaction",),
        cities=("Sacramento", "Davis"),
        zip_codes=("95814",),
        election_cycles=(2026,),
        date_from=date(2026, 1, 1),
        amount_min=Decimal("100.00"),
        sort="-amount",
        limit=50,
    )


def test_no_filters_is_every_current_document():
    assert query_from_args({}) == SearchQuery()


def test_stored_filters_are_json_ready_and_make_the_same_query():
    raw = {"employer": ["Acme"], "date_to": "2026-06-30", "amount_max": "2500.5", "include_history": True}
    stored = stored_filters(SearchFilters().load(raw))
    assert stored == {"employer": ["Acme"], "date_to": "2026-06-30", "amount_max": "2500.50", "include_history": True}
    assert query_from_stored(stored) == query_from_args(raw)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"kind": ["lobbyist"]}, "kind"),
        ({"city": ["x"] * 51}, "city"),
        ({"zip": ["9581"]}, "zip"),
        ({"sort": "name"}, "sort"),
        ({"amount_min": "NaN"}, "amount_min"),
    ],
)
def test_malformed_filters_name_the_field(args, field):
    with pytest.raises(ValidationError) as raised:
        query_from_args(args)
    assert field in raised.value.messages


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        ({"election_cycle": [2025]}, "election_cycle"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_from"),
        ({"amount_min": "10", "amount_max": "5"}, "amount_min"),
    ],
)
def test_impossible_filters_name_the_parameter(args, parameter):
    with pytest.raises(ImpossibleQuery) as raised:
        query_from_args(args)
    assert PARAMETER_OF[raised.value.field] == parameter
