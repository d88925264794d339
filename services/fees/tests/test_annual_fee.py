from datetime import date

import pytest

from fees.domain.annual_fee import AnnualFeeRule, fee_on_registration, rule_on


def test_new_committee_owes_fifty_dollars_within_fifteen_days_of_registering():
    fee = fee_on_registration(date(2026, 3, 2))
    assert (fee.fee_year, fee.amount_cents, fee.due_date) == (2026, 5000, date(2026, 3, 17))


def test_late_payment_penalty_is_one_hundred_fifty_dollars():
    assert fee_on_registration(date(2026, 3, 2)).late_penalty_cents == 15000


def test_rule_in_force_is_the_latest_effective_one():
    schedule = (
        AnnualFeeRule(date(2013, 1, 1), 5000, 15000, 15),
        AnnualFeeRule(date(2030, 1, 1), 7500, 20000, 30),
    )
    assert rule_on(date(2029, 12, 31), schedule).amount_cents == 5000
    assert rule_on(date(2030, 1, 1), schedule).amount_cents == 7500


def test_no_rule_before_the_first_effective_date():
    with pytest.raises(ValueError, match="no annual fee rule"):
        rule_on(date(2000, 1, 1))
