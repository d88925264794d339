from datetime import date

from filings.domain.deadlines import (
    CALENDAR_STARTS,
    Obligor,
    days_late,
    due_on,
    elections_reported_for,
    forms_meeting,
    is_business_day,
    next_business_day,
    owed_periods,
    state_holidays,
    twenty_four_hour_deadline,
)
from filings.domain.periods import ELECTIONS, Election, ElectionKind, PeriodKind, calendar_periods, election_on

GENERAL_2024 = election_on(date(2024, 11, 5))
GENERAL_2026 = election_on(date(2026, 11, 3))
PRIMARY_2026 = election_on(date(2026, 6, 2))


def committee(registered_on=date(2024, 1, 1), terminated_on=None, elections=(), entity_type="recipient_committee"):
    return Obligor("2000001", entity_type, registered_on, terminated_on, tuple(elections))


def dues(deadlines):
    return [(d.form, d.period_start, d.period_end, d.due_on) for d in deadlines]


def period_due(form, closing, elections=()):
    (period,) = calendar_periods(form, closing, closing, elections)
    return due_on(period)


def test_semi_annual_statements_are_due_july_31_and_january_31():
    assert period_due("F460", date(2026, 6, 30)) == date(2026, 7, 31)
    assert period_due("F460", date(2024, 12, 31)) == date(2025, 1, 31)


def test_a_deadline_on_a_saturday_moves_to_monday():
    # January 31, 2026 is a Saturday.
    assert period_due("F460", date(2025, 12, 31)) == date(2026, 2, 2)


def test_a_deadline_on_a_sunday_moves_to_monday():
    # January 31, 2027 is a Sunday.
    assert period_due("F460", date(2026, 12, 31)) == date(2027, 2, 1)


def test_quarterly_lobbying_reports_are_due_the_last_day_of_the_month_after_the_quarter():
    due = [due_on(period) for period in calendar_periods("F615", date(2026, 1, 1), date(2026, 12, 31))]
    # October 31, 2026 is a Saturday.
    assert due == [date(2026, 4, 30), date(2026, 7, 31), date(2026, 11, 2), date(2027, 2, 1)]


def test_pre_election_statements_are_due_40_and_12_days_before_the_election():
    periods = calendar_periods("F460", date(2024, 9, 1), date(2024, 10, 31), [GENERAL_2024])
    assert [(period.kind, due_on(period)) for period in periods] == [
        (PeriodKind.FIRST_PRE_ELECTION, date(2024, 9, 26)),
        (PeriodKind.SECOND_PRE_ELECTION, date(2024, 10, 24)),
    ]


def test_a_pre_election_deadline_on_thanksgiving_moves_past_the_holiday_weekend():
    december_special = Election(date(2026, 12, 8), ElectionKind.SPECIAL, "December 8, 2026 Special Election")
    periods = calendar_periods("F460", date(2026, 11, 1), date(2026, 11, 30), [december_special])
    (second,) = [period for period in periods if period.kind is PeriodKind.SECOND_PRE_ELECTION]
    # Due November 26 (Thanksgiving); the office is closed the day after and over the weekend.
    assert due_on(second) == date(2026, 11, 30)


def test_state_holidays_follow_their_rules():
    holidays = state_holidays(2026)
    assert holidays[date(2026, 1, 19)] == "Martin Luther King Jr. Day"
    assert holidays[date(2026, 3, 31)] == "Cesar Chavez Day"
    assert holidays[date(2026, 5, 25)] == "Memorial Day"
    assert holidays[date(2026, 11, 27)] == "Day after Thanksgiving"
    assert holidays[date(2026, 2, 12)] == "Lincoln Day"
    assert holidays[date(2026, 9, 25)] == "Native American Day"
    assert len(holidays) == 13


def test_filings_and_fees_read_one_holiday_calendar():
    from cars_shared import calendar_days

    assert state_holidays is calendar_days.state_holidays
    assert next_business_day is calendar_days.next_business_day


def test_a_sunday_holiday_is_observed_on_monday():
    # January 1, 2023 was a Sunday.
    assert state_holidays(2023)[date(2023, 1, 2)] == "New Year's Day"
    assert next_business_day(date(2023, 1, 1)) == date(2023, 1, 3)


def test_veterans_day_on_a_saturday_is_observed_the_friday_before():
    # November 11, 2028 is a Saturday.
    assert not is_business_day(date(2028, 11, 10))
    assert next_business_day(date(2028, 11, 10)) == date(2028, 11, 13)


def test_a_holiday_on_a_weekday_moves_a_deadline_to_the_next_day():
    assert next_business_day(date(2026, 3, 31)) == date(2026, 4, 1)
    assert next_business_day(date(2026, 4, 1)) == date(2026, 4, 1)


def test_a_24_hour_report_is_due_the_next_day_even_on_a_weekend():
    # A contribution on Friday, May 22, 2026, within 90 days of the June 2 primary.
    deadline = twenty_four_hour_deadline("2000001", "F497", date(2026, 5, 22), ELECTIONS)
    assert deadline is not None
    assert (deadline.due_on, deadline.election) == (date(2026, 5, 23), PRIMARY_2026)


def test_no_24_hour_report_is_owed_outside_the_90_days_before_an_election():
    assert twenty_four_hour_deadline("2000001", "F497", date(2026, 2, 1), ELECTIONS) is None
    assert twenty_four_hour_deadline("2000001", "F497", date(2026, 6, 2), ELECTIONS) is None


def test_a_committee_owes_its_semi_annual_statements():
    owed = owed_periods(committee(), date(2026, 1, 1), date(2026, 12, 31))
    assert dues(owed) == [
        ("F460", date(2025, 7, 1), date(2025, 12, 31), date(2026, 2, 2)),
        ("F460", date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 31)),
    ]


def test_a_committee_registered_mid_period_owes_from_its_registration():
    owed = owed_periods(committee(registered_on=date(2026, 3, 10)), date(2026, 1, 1), date(2027, 12, 31))
    assert [(d.period_start, d.period_end) for d in owed][:2] == [
        (date(2026, 3, 10), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 12, 31)),
    ]


def test_a_terminated_committee_owes_through_its_termination_and_nothing_after():
    owed = owed_periods(committee(terminated_on=date(2026, 8, 15)), date(2026, 1, 1), date(2028, 12, 31))
    assert dues(owed) == [
        ("F460", date(2025, 7, 1), date(2025, 12, 31), date(2026, 2, 2)),
        ("F460", date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 31)),
        ("F460", date(2026, 7, 1), date(2026, 8, 15), date(2027, 2, 1)),
    ]


def test_a_committee_in_an_election_owes_its_pre_election_statements():
    owed = owed_periods(committee(elections=[GENERAL_2026]), date(2026, 8, 1), date(2027, 3, 1))
    assert [(d.kind, d.period_end, d.due_on) for d in owed] == [
        (PeriodKind.FIRST_PRE_ELECTION, date(2026, 9, 19), date(2026, 9, 24)),
        (PeriodKind.SECOND_PRE_ELECTION, date(2026, 10, 17), date(2026, 10, 22)),
        (PeriodKind.SEMI_ANNUAL, date(2026, 12, 31), date(2027, 2, 1)),
    ]
    assert owed[0].description == "First pre-election statement, due 40 days before the election"


def test_lobbying_entities_owe_quarterly_reports_of_their_own_form():
    for entity_type, form in (("lobbyist", "F615"), ("lobbying_firm", "F625"), ("lobbyist_employer", "F635")):
        owed = owed_periods(committee(entity_type=entity_type), date(2026, 1, 1), date(2026, 12, 31))
        assert [d.form for d in owed] == [form] * 4


def test_an_entity_type_without_a_calendar_owes_nothing():
    assert owed_periods(committee(entity_type="unknown_type"), date(2026, 1, 1), date(2026, 12, 31)) == []


def test_an_entity_registered_long_ago_owes_only_from_the_start_of_the_calendar():
    owed = owed_periods(committee(registered_on=date(1998, 4, 1)), date(2020, 1, 1), date(2024, 12, 31))
    assert owed[0].period_start == CALENDAR_STARTS


def test_a_migrated_entity_owes_nothing_that_fell_due_before_its_migration():
    migrated = Obligor("1234567", "recipient_committee", date(1998, 4, 1), migrated_on=date(2026, 3, 2))
    owed = owed_periods(migrated, CALENDAR_STARTS, date(2026, 12, 31))
    assert [(d.period_start, d.period_end, d.due_on) for d in owed] == [
        (date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 31))
    ]


def test_a_consolidated_or_final_statement_meets_the_deadline_whose_closing_it_covers():
    (deadline,) = owed_periods(committee(), date(2026, 7, 1), date(2026, 7, 31))
    assert deadline.is_met_by(date(2026, 1, 1), date(2026, 6, 30))
    assert deadline.is_met_by(date(2025, 7, 1), date(2026, 7, 10))
    assert not deadline.is_met_by(date(2026, 1, 1), date(2026, 4, 18))
    assert not deadline.is_met_by(None, None)


def test_the_short_form_450_meets_a_form_460_deadline():
    assert forms_meeting("F460") == {"F460", "F450"}
    assert forms_meeting("F615") == {"F615"}


def test_filing_a_first_pre_election_statement_makes_the_filer_owe_the_second():
    assert elections_reported_for(ELECTIONS, [date(2026, 6, 30), date(2026, 9, 19)]) == (GENERAL_2026,)
    assert elections_reported_for(ELECTIONS, [date(2026, 6, 30)]) == ()


def test_days_late_count_from_the_day_after_the_due_date():
    assert days_late(date(2026, 7, 31), date(2026, 7, 31)) == 0
    assert days_late(date(2026, 7, 31), date(2026, 8, 1)) == 1
    assert days_late(date(2026, 7, 31), date(2026, 8, 3)) == 3
    assert days_late(date(2026, 7, 31), date(2026, 7, 1)) == 0
