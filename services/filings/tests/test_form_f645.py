"""Form 645, Report of Person Spending $5,000 or More to influence legislative or administrative action."""

import json
from decimal import Decimal

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.examples import example


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_report_is_accepted_without_warnings():
    checked = check(example("F645"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts == {
        "actions_lobbied": 1,
        "activity_expenses": 1,
        "other_payments": 1,
        "contributions": 0,
    }


def test_the_published_totals_are_the_total_spent_and_contributions():
    checked = check(example("F645"))

    assert checked.totals == {"total_payments": Decimal("6545.00"), "total_contributions": Decimal("0.00")}


def test_it_is_filed_by_a_person_spending_to_influence_without_a_lobbyist():
    assert form_named("F645").entity_types == ("person_spending_to_influence",)


def test_a_total_of_contributions_with_no_contributions_listed_is_an_error():
    document = example("F645")
    document["parts"]["summary"]["total_contributions"] = "100.00"

    assert problems(check(document)) == {("parts.summary.total_contributions", "error")}


def test_total_spent_adds_activity_expenses_and_other_payments():
    document = example("F645")
    document["parts"]["summary"]["total_payments"] = "6500.00"

    assert problems(check(document)) == {("parts.summary.total_payments", "error")}


def test_an_amount_written_with_a_thousands_separator_is_refused():
    document = example("F645")
    document["parts"]["other_payments"][0]["amount"] = "6,500.00"

    assert problems(check(document)) == {("parts.other_payments.1.amount", "error")}


def test_a_half_year_period_is_accepted_with_a_warning_that_reports_are_quarterly():
    document = example("F645")
    document["period"] = {"start": "2026-01-01", "end": "2026-06-30"}

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("period", "warning")}


def test_a_period_that_ends_before_it_starts_is_an_error():
    document = example("F645")
    document["period"] = {"start": "2026-03-31", "end": "2026-01-01"}

    assert problems(check(document)) == {("period.end", "error")}


def test_each_other_payment_says_what_it_was_for():
    document = example("F645")
    del document["parts"]["other_payments"][0]["description"]

    assert problems(check(document)) == {("parts.other_payments.1.description", "error")}
