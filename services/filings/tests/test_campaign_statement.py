from dataclasses import replace
from datetime import date
from decimal import Decimal

from filings.domain.campaign_statement import CampaignStatement, Contribution, is_whole_cents, violations


def itemized(amount="150.00", **details):
    fields = {
        "contributor_name": "Pat Donor",
        "city": "Sacramento",
        "state": "CA",
        "zip": "95814",
        "occupation": "Teacher",
        "employer": "Sacramento City USD",
        **details,
    }
    return Contribution(amount=Decimal(amount), date=date(2026, 3, 1), **fields)


def statement(*contributions, received=None, expenditures="250.00", start=date(2026, 1, 1), end=date(2026, 6, 30)):
    total = sum((c.amount for c in contributions), Decimal(0)) if received is None else Decimal(received)
    return CampaignStatement(
        period_start=start,
        period_end=end,
        contributions_received=total,
        expenditures_made=Decimal(expenditures),
        schedule_a=tuple(contributions),
    )


def fields_of(found):
    return [violation.field for violation in found]


def test_complete_statement_breaks_no_rule():
    assert violations(statement(itemized("150.00"), itemized("1350.00"))) == []


def test_statement_with_no_contributions_reports_zero_received():
    assert violations(statement()) == []


def test_period_end_before_period_start_names_period_end():
    found = violations(statement(start=date(2026, 6, 30), end=date(2026, 1, 1)))
    assert "period_end" in fields_of(found)


def test_one_day_period_is_allowed():
    assert violations(statement(start=date(2026, 3, 1), end=date(2026, 3, 1), received="0")) == []


def test_negative_summary_amount_names_its_field():
    found = violations(statement(expenditures="-1.00"))
    assert fields_of(found) == ["expenditures_made"]
    assert "negative" in found[0].message


def test_amount_with_three_decimals_names_its_field():
    found = violations(statement(expenditures="10.005"))
    assert fields_of(found) == ["expenditures_made"]
    assert "two decimals" in found[0].message


def test_trailing_zeros_beyond_cents_are_whole_cents():
    assert is_whole_cents(Decimal("10.500"))
    assert is_whole_cents(Decimal("0.0000"))
    assert is_whole_cents(Decimal("1E+3"))
    assert not is_whole_cents(Decimal("0.0001"))


def test_negative_contribution_names_its_line():
    found = violations(statement(itemized("50.00"), itemized("-5.00")))
    assert "schedule_a.1.amount" in fields_of(found)


def test_contribution_in_fractions_of_a_cent_names_its_line():
    found = violations(statement(itemized("20.001", contributor_name=None), received="20.00"))
    assert fields_of(found) == ["schedule_a.0.amount"]


def test_summary_must_equal_sum_of_schedule_a():
    found = violations(statement(itemized("150.00"), itemized("50.00"), received="150.00"))
    assert fields_of(found) == ["contributions_received"]
    assert "200.00" in found[0].message


def test_contribution_of_100_dollars_needs_every_contributor_detail():
    bare = Contribution(amount=Decimal("100.00"), date=date(2026, 3, 1))
    found = violations(statement(bare))
    assert fields_of(found) == [
        "schedule_a.0.contributor_name",
        "schedule_a.0.city",
        "schedule_a.0.state",
        "schedule_a.0.zip",
        "schedule_a.0.occupation",
        "schedule_a.0.employer",
    ]


def test_missing_employer_is_named_by_its_line_number():
    found = violations(statement(itemized(), itemized(), itemized(employer=None)))
    assert fields_of(found) == ["schedule_a.2.employer"]


def test_blank_detail_counts_as_missing():
    found = violations(statement(itemized(occupation="   ")))
    assert fields_of(found) == ["schedule_a.0.occupation"]


def test_contribution_under_100_dollars_needs_no_contributor_details():
    small = Contribution(amount=Decimal("99.99"), date=date(2026, 3, 1))
    assert violations(statement(small)) == []


def test_contribution_dated_outside_the_period_names_its_date():
    late = replace(itemized(), date=date(2026, 7, 1))
    assert fields_of(violations(statement(late))) == ["schedule_a.0.date"]


def test_every_broken_rule_is_reported_at_once():
    broken = statement(itemized(employer=None), received="1.00", start=date(2026, 2, 1), end=date(2026, 1, 1))
    expected = {"period_end", "schedule_a.0.date", "schedule_a.0.employer", "contributions_received"}
    assert set(fields_of(violations(broken))) == expected


def test_totals_are_the_summary_amounts():
    assert statement(itemized("150.00")).totals() == {
        "contributions_received": Decimal("150.00"),
        "expenditures_made": Decimal("250.00"),
    }
