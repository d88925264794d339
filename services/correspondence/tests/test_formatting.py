from datetime import UTC, date, datetime
from decimal import Decimal

from correspondence.domain.formatting import dollars, label_words, long_date, long_datetime, money_words, period_words


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


def test_a_moment_is_written_in_pacific_time_with_its_zone():
    assert long_datetime(datetime(2026, 7, 31, 17, 0, tzinfo=UTC)) == "July 31, 2026, 10:00 AM PDT"
    assert long_datetime(datetime(2026, 1, 15, 8, 5, tzinfo=UTC)) == "January 15, 2026, 12:05 AM PST"


def test_a_period_is_written_as_a_span_and_a_report_without_one_says_so():
    assert period_words(date(2026, 1, 1), date(2026, 6, 30)) == "January 1, 2026 through June 30, 2026"
    assert period_words(None, None) == "no reporting period"


def test_reported_amounts_are_written_as_dollars_to_the_cent():
    assert money_words("1500") == "$1,500.00"
    assert money_words(Decimal("-250.5")) == "-$250.50"


def test_field_names_become_labels():
    assert label_words("contributions_received") == "Contributions received"
