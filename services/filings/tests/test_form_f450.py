"""Form 450, Recipient Committee Campaign Statement (Short Form)."""

import json
from decimal import Decimal

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.declaration import FormKind
from filings.examples import example

ERROR, WARNING = "error", "warning"


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def test_form_450_is_a_committees_short_statement():
    form = form_named("F450")

    assert form.name == "Recipient Committee Campaign Statement (Short Form)"
    assert form.kind is FormKind.REPORT and form.has_period


def test_the_example_statement_is_accepted_with_its_totals():
    checked = check(example("F450"))

    assert checked.accepted and not checked.warnings
    assert checked.totals == {
        "contributions_received": Decimal("1200.00"),
        "payments_made": Decimal("640.00"),
        "ending_cash_balance": Decimal("1410.00"),
    }


def test_payments_made_equal_the_itemized_payments_plus_those_under_100_dollars():
    document = example("F450")
    document["parts"]["payments"][1]["amount"] = "175.00"

    checked = check(document)

    assert problems(checked) == {("parts.summary.payments_made", ERROR)}
    assert "(665.00)" in checked.errors[0].message


def test_the_ending_cash_balance_is_the_beginning_plus_contributions_less_payments():
    document = example("F450")
    document["parts"]["summary"]["ending_cash_balance"] = "1400.00"

    assert problems(check(document)) == {("parts.summary.ending_cash_balance", ERROR)}


def test_a_payment_of_100_dollars_or_more_gives_the_payees_address():
    document = example("F450")
    del document["parts"]["payments"][0]["city"]

    assert problems(check(document)) == {("parts.payments.1.city", ERROR)}


def test_the_summary_is_required():
    document = example("F450")
    del document["parts"]["summary"]

    assert problems(check(document)) == {("parts.summary", ERROR)}


def test_a_semi_annual_period_is_on_the_calendar_and_a_monthly_one_is_not():
    document = example("F450")
    document["period"] = {"start": "2026-03-01", "end": "2026-04-30"}

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("period", WARNING)}
