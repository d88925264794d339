from datetime import date
from decimal import Decimal

import pytest

from search.domain.query import (
    MAX_FILTER_VALUES,
    MAX_LIMIT,
    MAX_TERMS,
    BadCursor,
    ImpossibleQuery,
    SearchQuery,
    check_query,
    decode_cursor,
    election_cycle_bounds,
    encode_cursor,
    filter_key,
    search_terms,
    zip5,
)


def test_terms_are_the_words_without_punctuation_or_operators():
    assert search_terms('Friends "of" AND( example*') == ["friends", "of", "and", "example"]


def test_text_without_letters_or_digits_has_no_terms():
    assert search_terms('"() * -- _ ^ :') == []


def test_terms_keep_accented_letters_and_digits():
    assert search_terms("Peña F460") == ["peña", "f460"]


def test_repeated_words_count_once_and_terms_are_capped():
    assert search_terms("a a A") == ["a"]
    assert len(search_terms(" ".join(f"w{n}" for n in range(100)))) == MAX_TERMS


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (SearchQuery(date_from=date(2026, 2, 1), date_to=date(2026, 1, 31)), "date_from"),
        (SearchQuery(filed_from=date(2026, 12, 2), filed_to=date(2026, 12, 1)), "filed_from"),
        (SearchQuery(amount_min=Decimal("10"), amount_max=Decimal("9.99")), "amount_min"),
        (SearchQuery(election_cycles=(2026, 2025)), "election_cycles"),
        (SearchQuery(zip_codes=("9581",)), "zip_codes"),
        (SearchQuery(cities=tuple(f"c{n}" for n in range(MAX_FILTER_VALUES + 1))), "cities"),
        (SearchQuery(limit=MAX_LIMIT + 1), "limit"),
        (SearchQuery(sort="name"), "sort"),
    ],
)
def test_impossible_queries_are_refused_naming_the_field(query, field):
    with pytest.raises(ImpossibleQuery) as refused:
        check_query(query)
    assert refused.value.field == field


def test_a_possible_query_passes():
    check_query(SearchQuery(date_from=date(2026, 1, 1), date_to=date(2026, 1, 1), election_cycles=(2026,)))
    check_query(SearchQuery(filed_from=date(2026, 12, 1), filed_to=date(2026, 12, 1), sort="-filed"))


def test_cursor_round_trips_and_refuses_another_sort_or_garbage():
    cursor = encode_cursor("-amount", 50000, "transaction:f:0:schedule_a:1")
    assert decode_cursor(cursor, "-amount") == (50000, "transaction:f:0:schedule_a:1")
    for text, sort in [(cursor, "date"), ("%%%", "date"), (encode_cursor("date", 1, "x")[:-2], "date")]:
        with pytest.raises(BadCursor):
            decode_cursor(text, sort)


def test_election_cycle_runs_two_calendar_years_to_its_even_year():
    assert election_cycle_bounds(2026) == (date(2025, 1, 1), date(2026, 12, 31))


def test_filter_keys_fold_case_accents_and_spaces_and_zip_takes_five_digits():
    assert filter_key("  Peña   FARMS ") == "pena farms"
    assert filter_key("SAN JOSÉ") == filter_key("San Jose") == "san jose"
    assert filter_key("José") == filter_key("Jose") == "jose"
    # Letters Elasticsearch's asciifolding folds though Unicode gives them no decomposition.
    assert filter_key("Søren Łukasz Æsir STRASSE Straße") == "soren lukasz aesir strasse strasse"
    assert zip5("95814-1234") == "95814"
