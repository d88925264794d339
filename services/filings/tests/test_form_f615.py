"""Form 615, Lobbyist Report: a lobbyist's quarterly activity expenses and campaign contributions."""

import json
from decimal import Decimal

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.public import public_record
from filings.examples import example

F615 = form_named("F615")


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_report_is_accepted_without_warnings():
    checked = check(example("F615"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts == {"activity_expenses": 2, "contributions": 2}


def test_the_published_totals_are_the_activity_expenses_and_contributions():
    checked = check(example("F615"))

    assert checked.totals == {"total_activity_expenses": Decimal("18.25"), "total_contributions": Decimal("350.00")}


def test_each_line_is_handed_on_as_it_is_read():
    lines = []

    check_submission(json.dumps(example("F615")).encode(), lambda part, number, line: lines.append((part, number)))

    assert lines == [("activity_expenses", 1), ("activity_expenses", 2), ("contributions", 1), ("contributions", 2)]


def test_a_report_covers_a_period():
    document = example("F615")
    del document["period"]

    assert problems(check(document)) == {("period", "error")}


def test_a_period_longer_than_a_calendar_quarter_is_accepted_with_a_warning():
    document = example("F615")
    document["period"] = {"start": "2025-10-01", "end": "2026-03-31"}

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("period", "warning")}


def test_an_activity_expense_dated_outside_the_quarter_is_an_error_on_its_line():
    document = example("F615")
    document["parts"]["activity_expenses"][1]["expense_date"] = "2026-04-02"

    assert problems(check(document)) == {("parts.activity_expenses.2.expense_date", "error")}


def test_each_activity_expense_names_the_official_who_benefited_and_their_position():
    document = example("F615")
    expense = document["parts"]["activity_expenses"][0]
    del expense["beneficiary_name"]
    expense["beneficiary_position"] = ""

    assert problems(check(document)) == {
        ("parts.activity_expenses.1.beneficiary_name", "error"),
        ("parts.activity_expenses.1.beneficiary_position", "error"),
    }


def test_the_total_of_activity_expenses_equals_the_sum_of_its_lines():
    document = example("F615")
    document["parts"]["summary"]["total_activity_expenses"] = "20.00"

    checked = check(document)

    assert problems(checked) == {("parts.summary.total_activity_expenses", "error")}
    assert "(18.25)" in checked.errors[0].message


def test_the_total_of_contributions_equals_the_sum_of_its_lines():
    document = example("F615")
    document["parts"]["contributions"].pop()

    assert problems(check(document)) == {("parts.summary.total_contributions", "error")}


def test_amounts_are_dollars_and_cents_and_never_negative():
    document = example("F615")
    document["parts"]["contributions"][0]["amount"] = "250.005"
    document["parts"]["contributions"][1]["amount"] = "-100.00"

    # The wrong amounts are reported on their lines, not again as a wrong total.
    assert problems(check(document)) == {
        ("parts.contributions.1.amount", "error"),
        ("parts.contributions.2.amount", "error"),
    }


def test_the_totals_page_is_required():
    document = example("F615")
    del document["parts"]["summary"]

    assert problems(check(document)) == {("parts.summary", "error")}


def test_the_public_view_of_an_activity_expense_leaves_out_the_payee_street_address():
    lines = []
    check_submission(json.dumps(example("F615")).encode(), lambda part, number, line: lines.append((part, line)))
    lunch = next(line for part, line in lines if part == "activity_expenses")

    public = public_record(F615, "activity_expenses", lunch)

    assert "payee_street" not in public
    assert (public["payee_name"], public["payee_city"]) == ("Esquire Grill", "Sacramento")
    assert (public["beneficiary_name"], public["amount"]) == ("Jordan Rivera", "9.50")
