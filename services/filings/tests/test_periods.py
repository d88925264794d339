from datetime import date, timedelta

from filings.domain.periods import (
    ELECTIONS,
    Election,
    ElectionKind,
    PeriodKind,
    calendar_periods,
    election_on,
    period_matches,
    pre_election_closings,
    twenty_four_hour_window,
)

GENERAL_2024 = election_on(date(2024, 11, 5))
PRIMARY_2026 = election_on(date(2026, 6, 2))


def spans(periods):
    return [(period.start, period.end, period.kind) for period in periods]


def test_statewide_elections_are_held_on_tuesdays():
    assert all(election.held_on.weekday() == 1 for election in ELECTIONS)


def test_the_elections_table_holds_the_primaries_and_generals_of_2024_to_2028():
    regular = [(e.held_on.year, e.kind) for e in ELECTIONS if e.kind is not ElectionKind.SPECIAL]
    for year in (2024, 2026, 2028):
        assert (year, ElectionKind.PRIMARY) in regular
        assert (year, ElectionKind.GENERAL) in regular


def test_semi_annual_halves_match_the_campaign_statement_calendar():
    assert period_matches("F460", date(2026, 1, 1), date(2026, 6, 30))
    assert period_matches("F460", date(2026, 7, 1), date(2026, 12, 31))
    assert period_matches("F461", date(2026, 1, 1), date(2026, 6, 30))
    assert period_matches("F450", date(2026, 7, 1), date(2026, 12, 31))


def test_a_period_closing_off_the_calendar_does_not_match():
    assert not period_matches("F460", date(2026, 1, 1), date(2026, 6, 29))
    assert not period_matches("F460", date(2026, 1, 1), date(2026, 5, 31))


def test_a_filer_registered_mid_period_reports_from_its_registration():
    assert period_matches("F460", date(2026, 3, 10), date(2026, 6, 30))


def test_a_period_starting_before_the_calendar_period_does_not_match():
    assert not period_matches("F460", date(2025, 12, 1), date(2026, 6, 30))


def test_a_period_ending_before_it_starts_never_matches():
    assert not period_matches("F460", date(2026, 7, 1), date(2026, 6, 30))


def test_pre_election_statements_close_45_and_17_days_before_the_election():
    assert pre_election_closings(GENERAL_2024) == (date(2024, 9, 21), date(2024, 10, 19))
    assert pre_election_closings(PRIMARY_2026) == (date(2026, 4, 18), date(2026, 5, 16))


def test_a_filer_in_the_2024_general_election_reports_on_pre_election_periods():
    periods = calendar_periods("F460", date(2024, 7, 1), date(2024, 12, 31), [GENERAL_2024])
    assert spans(periods) == [
        (date(2024, 7, 1), date(2024, 9, 21), PeriodKind.FIRST_PRE_ELECTION),
        (date(2024, 9, 22), date(2024, 10, 19), PeriodKind.SECOND_PRE_ELECTION),
        (date(2024, 10, 20), date(2024, 12, 31), PeriodKind.SEMI_ANNUAL),
    ]
    assert all(period.election == GENERAL_2024 for period in periods[:2])


def test_pre_election_periods_match_the_calendar():
    assert period_matches("F460", date(2024, 7, 1), date(2024, 9, 21))
    assert period_matches("F460", date(2024, 9, 22), date(2024, 10, 19))
    assert period_matches("F460", date(2024, 10, 20), date(2024, 12, 31))
    assert period_matches("F460", date(2026, 1, 1), date(2026, 4, 18))


def test_a_second_pre_election_period_starts_after_the_first_one_closed():
    assert not period_matches("F460", date(2024, 7, 1), date(2024, 10, 19))


def test_a_filer_in_no_election_reports_semi_annually_only():
    periods = calendar_periods("F460", date(2024, 1, 1), date(2024, 12, 31))
    assert spans(periods) == [
        (date(2024, 1, 1), date(2024, 6, 30), PeriodKind.SEMI_ANNUAL),
        (date(2024, 7, 1), date(2024, 12, 31), PeriodKind.SEMI_ANNUAL),
    ]


def test_a_semi_annual_closing_between_the_pre_election_closings_is_covered_by_the_second_statement():
    summer_special = Election(date(2026, 7, 21), ElectionKind.SPECIAL, "July 21, 2026 Special Election")
    periods = calendar_periods("F460", date(2026, 1, 1), date(2026, 12, 31), [summer_special])
    assert spans(periods) == [
        (date(2026, 1, 1), date(2026, 6, 6), PeriodKind.FIRST_PRE_ELECTION),
        (date(2026, 6, 7), date(2026, 7, 4), PeriodKind.SECOND_PRE_ELECTION),
        (date(2026, 7, 5), date(2026, 12, 31), PeriodKind.SEMI_ANNUAL),
    ]


def test_lobbying_reports_cover_calendar_quarters():
    for form in ("F615", "F625", "F635", "F645"):
        assert period_matches(form, date(2026, 1, 1), date(2026, 3, 31))
        assert period_matches(form, date(2026, 10, 1), date(2026, 12, 31))
        assert not period_matches(form, date(2026, 1, 1), date(2026, 6, 30))
    assert [p.end for p in calendar_periods("F615", date(2026, 1, 1), date(2026, 12, 31))] == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]


def test_a_24_hour_report_covers_at_most_one_day():
    for form in ("F496", "F497"):
        assert period_matches(form, date(2026, 5, 20), date(2026, 5, 20))
        assert period_matches(form, date(2026, 5, 20), date(2026, 5, 21))
        assert not period_matches(form, date(2026, 5, 20), date(2026, 5, 22))
        assert not period_matches(form, date(2026, 5, 21), date(2026, 5, 20))


def test_the_24_hour_window_is_the_90_days_before_the_election():
    start, end = twenty_four_hour_window(PRIMARY_2026)
    assert (PRIMARY_2026.held_on - start, end) == (timedelta(days=90), date(2026, 6, 1))


def test_a_form_without_calendar_matches_any_period():
    assert period_matches("F410", date(2026, 2, 3), date(2026, 2, 27))
    assert period_matches("F501", date(2026, 2, 3), date(2026, 2, 3))
