import dataclasses
from datetime import date

import pytest

from fees.domain.annual_fee import (
    FEE_SCHEDULE,
    AnnualFeeRule,
    FeeEntity,
    fee_on_registration,
    owes_yearly_fee,
    rule_on,
    usual_due_date,
    yearly_fee,
)
from fees.domain.schedule import NoRuleInForce

COMMITTEE = "recipient_committee"


def committee(registered_on, terminated_on=None):
    return FeeEntity(COMMITTEE, registered_on, terminated_on)


def test_new_committee_owes_fifty_dollars_within_fifteen_days_of_registering():
    fee = fee_on_registration(COMMITTEE, date(2026, 3, 2))
    assert (fee.fee_year, fee.amount_cents, fee.due_on) == (2026, 5000, date(2026, 3, 17))


def test_fifteen_days_after_registering_crosses_february_of_a_leap_year():
    assert fee_on_registration(COMMITTEE, date(2028, 2, 20)).due_on == date(2028, 3, 6)
    # March 7, 2027 is a Sunday: due the Monday after.
    assert fee_on_registration(COMMITTEE, date(2027, 2, 20)).due_on == date(2027, 3, 8)


def test_registering_on_leap_day_charges_that_year():
    fee = fee_on_registration(COMMITTEE, date(2028, 2, 29))
    assert (fee.fee_year, fee.due_on) == (2028, date(2028, 3, 15))


def test_registering_in_late_december_is_due_in_january_of_the_next_year_but_charges_the_registration_year():
    fee = fee_on_registration(COMMITTEE, date(2026, 12, 28))
    assert (fee.fee_year, fee.due_on) == (2026, date(2027, 1, 12))


@pytest.mark.parametrize("entity_type", ["lobbying_firm", "lobbyist_employer", "lobbyist", "lobbying_coalition"])
def test_lobbying_entities_pay_the_annual_fee_too(entity_type):
    assert fee_on_registration(entity_type, date(2026, 5, 1)).amount_cents == 5000


@pytest.mark.parametrize("entity_type", ["candidate", "major_donor_committee", "person_spending_to_influence"])
def test_filers_that_are_not_committees_or_lobbying_entities_owe_no_fee(entity_type):
    assert fee_on_registration(entity_type, date(2026, 5, 1)) is None
    assert not owes_yearly_fee(FeeEntity(entity_type, date(2020, 5, 1)), 2026)


def test_each_later_year_is_due_january_fifteen():
    assert owes_yearly_fee(committee(date(2025, 3, 2)), 2026)
    assert yearly_fee(2026, date(2026, 1, 1)).due_on == date(2026, 1, 15)
    assert usual_due_date(2027) == date(2027, 1, 15)


@pytest.mark.parametrize(
    ("fee_year", "due_on"),
    [
        (2028, date(2028, 1, 18)),  # Saturday the 15th; Monday the 17th is Martin Luther King Jr. Day.
        (2029, date(2029, 1, 16)),  # Monday the 15th is Martin Luther King Jr. Day itself.
        (2033, date(2033, 1, 18)),  # Saturday the 15th; Monday the 17th is Martin Luther King Jr. Day.
        (2034, date(2034, 1, 17)),  # Sunday the 15th; Monday the 16th is Martin Luther King Jr. Day.
        (2032, date(2032, 1, 15)),  # A Thursday of a leap year: not moved.
    ],
)
def test_january_fifteen_on_a_weekend_or_holiday_moves_to_the_next_business_day(fee_year, due_on):
    assert usual_due_date(fee_year) == due_on
    assert yearly_fee(fee_year, date(fee_year, 1, 2)).due_on == due_on


def test_fifteen_days_after_registering_moves_past_a_holiday_weekend():
    # Registered Friday, November 12, 2027: the 27th is the Saturday after Thanksgiving.
    assert fee_on_registration(COMMITTEE, date(2027, 11, 12)).due_on == date(2027, 11, 29)
    # Registered January 28, 2027: February 12 is Lincoln Day (a Friday), then Presidents' Day weekend.
    assert fee_on_registration(COMMITTEE, date(2027, 1, 28)).due_on == date(2027, 2, 16)


def test_a_rule_may_keep_due_dates_on_weekends():
    kept = dataclasses.replace(FEE_SCHEDULE[0], due_on_business_day=False)
    assert yearly_fee(2028, date(2028, 1, 2), (kept,)).due_on == date(2028, 1, 15)


def test_a_lobbyist_employer_that_registers_owes_the_fee():
    assert fee_on_registration("lobbyist_employer", date(2026, 5, 1), registration_form="F603").amount_cents == 5000
    assert owes_yearly_fee(FeeEntity("lobbyist_employer", date(2025, 5, 1), registration_form="F603"), 2026)


@pytest.mark.parametrize("entity_type", ["lobbyist_employer", "lobbying_coalition"])
def test_an_employer_that_only_hires_a_firm_and_files_form_635_owes_no_fee(entity_type):
    assert fee_on_registration(entity_type, date(2026, 5, 1), registration_form="F635") is None
    assert not owes_yearly_fee(FeeEntity(entity_type, date(2025, 5, 1), registration_form="F635"), 2026)


def test_a_committee_owes_the_fee_whatever_form_put_it_on_file():
    assert fee_on_registration(COMMITTEE, date(2026, 5, 1), registration_form="F410").amount_cents == 5000


@pytest.mark.parametrize("registered_on", [date(2025, 10, 1), date(2025, 11, 15), date(2025, 12, 31)])
def test_a_committee_formed_october_to_december_owes_nothing_for_the_next_year(registered_on):
    assert not owes_yearly_fee(committee(registered_on), 2026)
    assert owes_yearly_fee(committee(registered_on), 2027)


def test_a_committee_formed_on_september_thirtieth_owes_the_next_year():
    assert owes_yearly_fee(committee(date(2025, 9, 30)), 2026)


def test_the_october_exemption_is_for_committees_only():
    assert owes_yearly_fee(FeeEntity("lobbying_firm", date(2025, 11, 1)), 2026)


def test_the_year_of_registering_is_charged_on_registering_not_by_the_yearly_run():
    assert not owes_yearly_fee(committee(date(2026, 1, 1)), 2026)
    assert not owes_yearly_fee(FeeEntity(COMMITTEE, None), 2026)


def test_an_entity_terminated_before_the_year_begins_owes_nothing_for_it_or_later():
    terminated = committee(date(2020, 5, 1), terminated_on=date(2025, 12, 31))
    assert not owes_yearly_fee(terminated, 2026)
    assert not owes_yearly_fee(terminated, 2027)
    assert owes_yearly_fee(terminated, 2025)


def test_an_entity_terminated_during_the_year_owes_that_year():
    assert owes_yearly_fee(committee(date(2020, 5, 1), terminated_on=date(2026, 1, 1)), 2026)


def test_a_year_assessed_after_january_fifteen_is_due_fifteen_days_later():
    assert yearly_fee(2026, date(2026, 1, 15)).due_on == date(2026, 1, 15)
    # January 31, 2026 is a Saturday.
    assert yearly_fee(2026, date(2026, 1, 16)).due_on == date(2026, 2, 2)
    assert yearly_fee(2028, date(2028, 2, 20)).due_on == date(2028, 3, 6)


def test_rule_in_force_is_the_latest_effective_one():
    later = AnnualFeeRule(
        effective_from=date(2030, 1, 1),
        amount_cents=7500,
        due_month=4,
        due_day=30,
        due_days_after_registration=30,
        due_days_after_late_assessment=30,
        committee_types=FEE_SCHEDULE[0].committee_types,
        lobbying_types=FEE_SCHEDULE[0].lobbying_types,
        exempt_next_year_from_month=10,
    )
    schedule = (*FEE_SCHEDULE, later)
    assert rule_on(date(2029, 12, 31), schedule).amount_cents == 5000
    assert rule_on(date(2030, 1, 1), schedule).amount_cents == 7500
    assert yearly_fee(2030, date(2030, 1, 1), schedule).due_on == date(2030, 4, 30)
    # March 3, 2030 is a Sunday.
    assert fee_on_registration(COMMITTEE, date(2030, 2, 1), schedule).due_on == date(2030, 3, 4)


def test_no_rule_before_the_first_effective_date():
    with pytest.raises(NoRuleInForce, match="no annual fee rule"):
        rule_on(date(2000, 1, 1))
