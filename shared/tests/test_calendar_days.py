from datetime import date

import pytest

from cars_shared.calendar_days import is_business_day, next_business_day, state_holidays


@pytest.mark.parametrize(
    ("year", "day", "name"),
    [
        (2026, date(2026, 1, 1), "New Year's Day"),
        (2026, date(2026, 1, 19), "Martin Luther King Jr. Day"),
        (2026, date(2026, 2, 12), "Lincoln Day"),
        (2026, date(2026, 2, 16), "Presidents' Day"),
        (2026, date(2026, 3, 31), "Cesar Chavez Day"),
        (2026, date(2026, 5, 25), "Memorial Day"),
        (2026, date(2026, 7, 4), "Independence Day"),
        (2026, date(2026, 9, 7), "Labor Day"),
        (2026, date(2026, 9, 25), "Native American Day"),
        (2026, date(2026, 11, 11), "Veterans Day"),
        (2026, date(2026, 11, 26), "Thanksgiving Day"),
        (2026, date(2026, 11, 27), "Day after Thanksgiving"),
        (2026, date(2026, 12, 25), "Christmas Day"),
    ],
)
def test_the_state_holidays_of_a_year(year, day, name):
    assert state_holidays(year)[day] == name


def test_juneteenth_and_columbus_day_leave_state_offices_open():
    assert is_business_day(date(2026, 6, 19))
    assert is_business_day(date(2026, 10, 12))


def test_a_fixed_holiday_on_a_sunday_is_observed_the_monday_after():
    # February 12, 2023 and March 31, 2024 were Sundays.
    assert state_holidays(2023)[date(2023, 2, 13)] == "Lincoln Day"
    assert state_holidays(2024)[date(2024, 4, 1)] == "Cesar Chavez Day"


def test_a_fixed_holiday_on_a_saturday_is_not_moved_except_veterans_day():
    # July 4, 2026 and November 11, 2028 are Saturdays.
    assert is_business_day(date(2026, 7, 3))
    assert state_holidays(2028)[date(2028, 11, 10)] == "Veterans Day"


def test_native_american_day_is_the_fourth_friday_of_september_in_leap_years_too():
    assert state_holidays(2028)[date(2028, 9, 22)] == "Native American Day"
    assert state_holidays(2024)[date(2024, 9, 27)] == "Native American Day"


def test_the_next_business_day_skips_weekends_and_holidays_together():
    # Saturday, January 15, 2028: the Monday after is Martin Luther King Jr. Day.
    assert next_business_day(date(2028, 1, 15)) == date(2028, 1, 18)
    # Friday, February 12, 2027 (Lincoln Day), then a weekend, then Presidents' Day.
    assert next_business_day(date(2027, 2, 12)) == date(2027, 2, 16)
    assert next_business_day(date(2026, 4, 1)) == date(2026, 4, 1)
