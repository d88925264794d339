from datetime import UTC, date, datetime

from filings.domain.calendar import filing_date


def test_evening_in_california_is_still_the_same_filing_date():
    assert filing_date(datetime(2026, 7, 1, 2, 30, tzinfo=UTC)) == date(2026, 6, 30)


def test_morning_in_california_is_that_day():
    assert filing_date(datetime(2026, 7, 1, 16, 0, tzinfo=UTC)) == date(2026, 7, 1)
