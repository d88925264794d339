"""Form 635, Lobbyist Employer Report: what an employer or coalition paid to lobby, and its contributions."""

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
    checked = check(example("F635"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts["actions_lobbied"] == 3


def test_the_published_totals_are_the_total_paid_to_lobby_and_contributions():
    checked = check(example("F635"))

    assert checked.totals == {"total_payments": Decimal("52507.50"), "total_contributions": Decimal("1000.00")}


def test_employers_and_coalitions_file_it():
    assert form_named("F635").entity_types == ("lobbyist_employer", "lobbying_coalition")


def test_total_paid_to_lobby_adds_in_house_lobbyists_firms_activity_expenses_and_other_payments():
    document = example("F635")
    document["parts"]["summary"]["in_house_lobbyist_payments"] = "25000.00"

    checked = check(document)

    assert problems(checked) == {("parts.summary.total_payments", "error")}
    assert "(55007.50)" in checked.errors[0].message


def test_totals_of_firms_and_other_payments_equal_the_sums_of_their_lines():
    document = example("F635")
    document["parts"]["payments_to_firms"][0]["amount"] = "17500.00"
    document["parts"]["other_payments"][0]["amount"] = "12500.00"

    assert problems(check(document)) == {
        ("parts.summary.total_payments_to_firms", "error"),
        ("parts.summary.total_other_payments", "error"),
    }


def test_a_payment_to_a_firm_names_the_firm():
    document = example("F635")
    document["parts"]["payments_to_firms"][0]["firm_name"] = ""

    assert problems(check(document)) == {("parts.payments_to_firms.1.firm_name", "error")}


def test_a_session_total_below_this_quarter_total_is_accepted_with_a_warning():
    document = example("F635")
    document["parts"]["summary"]["session_total"] = "50000.00"

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("parts.summary.session_total", "warning")}


def test_a_lobbied_action_names_the_bill_or_action():
    document = example("F635")
    del document["parts"]["actions_lobbied"][2]["bill_or_action"]

    assert problems(check(document)) == {("parts.actions_lobbied.3.bill_or_action", "error")}


def test_a_contribution_made_before_the_quarter_is_an_error_on_its_line():
    document = example("F635")
    document["parts"]["contributions"][0]["contribution_date"] = "2025-12-31"

    assert problems(check(document)) == {("parts.contributions.1.contribution_date", "error")}
