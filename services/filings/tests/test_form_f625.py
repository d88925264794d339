"""Form 625, Lobbying Firm Report: payments received from clients, payments made to lobby, contributions."""

import json
from decimal import Decimal

from filings.checking import CheckedSubmission, check_submission
from filings.examples import example


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_the_example_report_is_accepted_without_warnings():
    checked = check(example("F625"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts == {
        "lobbyists": 2,
        "payments_received": 2,
        "activity_expenses": 1,
        "payments_made": 1,
        "contributions": 1,
    }


def test_the_published_totals_are_payments_received_payments_made_and_contributions():
    checked = check(example("F625"))

    assert checked.totals == {
        "total_payments_received": Decimal("48000.00"),
        "total_payments": Decimal("5008.40"),
        "total_contributions": Decimal("500.00"),
    }


def test_total_payments_received_equals_the_sum_of_the_clients_payments():
    document = example("F625")
    document["parts"]["payments_received"][1]["amount"] = "19000.00"
    document["parts"]["payments_received"][1]["session_total"] = "19000.00"

    assert problems(check(document)) == {("parts.summary.total_payments_received", "error")}


def test_total_paid_to_lobby_adds_activity_expenses_and_other_payments():
    document = example("F625")
    document["parts"]["summary"]["total_payments"] = "5000.00"

    assert problems(check(document)) == {("parts.summary.total_payments", "error")}


def test_a_payment_made_that_is_not_in_its_total_is_an_error_on_the_total():
    document = example("F625")
    extra = {**document["parts"]["payments_made"][0], "payee_name": "Capitol Research Services", "amount": "750.00"}
    document["parts"]["payments_made"].append(extra)

    assert problems(check(document)) == {("parts.summary.total_payments_made", "error")}


def test_a_payment_made_after_the_quarter_is_an_error_on_its_line():
    document = example("F625")
    document["parts"]["payments_made"][0]["payment_date"] = "2026-04-01"

    assert problems(check(document)) == {("parts.payments_made.1.payment_date", "error")}


def test_a_session_total_below_this_quarter_payment_is_accepted_with_a_warning():
    document = example("F625")
    document["parts"]["payments_received"][0]["session_total"] = "3000.00"

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("parts.payments_received.1.session_total", "warning")}


def test_a_client_payment_names_the_client_by_name_and_well_formed_filer_id():
    document = example("F625")
    payment = document["parts"]["payments_received"][0]
    del payment["client_name"]
    payment["client_id"] = "#2000020"

    assert problems(check(document)) == {
        ("parts.payments_received.1.client_name", "error"),
        ("parts.payments_received.1.client_id", "error"),
    }


def test_a_part_the_form_does_not_have_is_refused():
    document = example("F625")
    document["parts"]["schedule_a"] = []

    assert problems(check(document)) == {("parts.schedule_a", "error")}
