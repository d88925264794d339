from datetime import date

from correspondence.domain.formatting import dollars, long_date


def test_cents_are_written_as_dollars_with_two_decimals():
    assert dollars(5000) == "$50.00"
    assert dollars(15000) == "$150.00"
    assert dollars(5) == "$0.05"


def test_large_amounts_have_thousands_separators():
    assert dollars(123456789) == "$1,234,567.89"


def test_negative_amounts_keep_their_sign():
    assert dollars(-2500) == "-$25.00"


def test_dates_are_written_out_in_english_whatever_the_locale():
    assert long_date(date(2026, 3, 17)) == "March 17, 2026"
    assert long_date(date(2026, 12, 1)) == "December 1, 2026"
