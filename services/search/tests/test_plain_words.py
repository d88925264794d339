from datetime import date
from decimal import Decimal

from search.domain.plain_words import (
    contributor_type_name,
    entity_type_name,
    form_label,
    joined,
    money,
    payment_code_name,
    period,
)


def test_money_has_dollar_sign_thousands_separator_and_cents():
    assert money(Decimal("1500")) == "$1,500.00"
    assert money(Decimal("1234567.891")) == "$1,234,567.89"
    assert money(Decimal("-12.5")) == "-$12.50"


def test_period_in_one_year_says_the_year_once():
    assert period(date(2026, 1, 1), date(2026, 6, 30)) == "January 1 to June 30, 2026"


def test_period_across_years_says_both_years():
    assert period(date(2025, 12, 1), date(2026, 1, 31)) == "December 1, 2025 to January 31, 2026"


def test_period_of_one_day_is_that_day():
    assert period(date(2026, 3, 5), date(2026, 3, 5)) == "March 5, 2026"


def test_period_with_one_end_or_none():
    assert period(None, date(2026, 6, 30)) == "the period ending June 30, 2026"
    assert period(date(2026, 1, 1), None) == "the period starting January 1, 2026"
    assert period(None, None) is None


def test_entity_types_are_spelled_out():
    assert entity_type_name("recipient_committee") == "Recipient Committee"
    assert entity_type_name("lobbyist_employer") == "Lobbyist Employer"
    assert entity_type_name("county_central_committee") == "County Central Committee"


def test_form_codes_read_as_form_numbers():
    assert form_label("F460") == "Form 460"
    assert form_label("LEGACY") == "LEGACY"


def test_lists_join_with_and():
    assert joined(["a"]) == "a"
    assert joined(["a", "b"]) == "a and b"
    assert joined(["a", "b", "c"]) == "a, b and c"


def test_payment_codes_and_contributor_types_are_spelled_out():
    assert payment_code_name("LIT") == "campaign literature and mailings"
    assert payment_code_name("lit") == "campaign literature and mailings"
    assert payment_code_name("ZZZ") == "ZZZ"
    assert contributor_type_name("small_contributor_committee") == "small contributor committee"
