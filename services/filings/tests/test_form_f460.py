"""Form 460, Recipient Committee Campaign Statement: the summary page, Schedules A to I and their rules."""

import json
from decimal import Decimal

import pytest

from filings.checking import CheckedSubmission, check_submission
from filings.domain.forms import form_named
from filings.domain.forms.declaration import FormKind
from filings.examples import example

ERROR, WARNING = "error", "warning"


def check(document: dict) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode())


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def message(checked: CheckedSubmission, path: str) -> str:
    return next(problem.message for problem in checked.errors + checked.warnings if problem.path == path)


def statement() -> dict:
    return example("F460")


def parts(document: dict) -> dict:
    return document["parts"]


def test_form_460_is_a_report_covering_a_period_with_a_summary_and_nine_schedules():
    form = form_named("F460")

    assert form.kind is FormKind.REPORT and form.has_period
    assert [part.name for part in form.parts] == [
        "cover",
        "summary",
        *(f"schedule_{letter}" for letter in "abcdefghi"),
    ]


def test_the_example_statement_is_accepted_with_its_totals():
    checked = check(statement())

    assert checked.accepted and not checked.warnings
    assert checked.totals == {
        "contributions_received": Decimal("8765.00"),
        "expenditures_made": Decimal("7405.75"),
        "ending_cash_balance": Decimal("4092.00"),
    }


def test_a_statement_with_no_schedules_and_zero_totals_is_accepted():
    document = statement()
    document["parts"] = {
        "cover": parts(document)["cover"],
        "summary": {
            "monetary_contributions": "0.00",
            "contributions_received": "0.00",
            "payments_made": "0.00",
            "expenditures_made": "0.00",
            "beginning_cash_balance": "250.00",
            "ending_cash_balance": "250.00",
        },
    }

    checked = check(document)

    assert checked.accepted and not checked.warnings
    assert checked.line_counts["schedule_a"] == 0


def test_cover_and_summary_are_required():
    document = statement()
    del parts(document)["cover"], parts(document)["summary"]

    assert problems(check(document)) == {("parts.cover", ERROR), ("parts.summary", ERROR)}


@pytest.mark.parametrize("field", ["contributor_name", "street", "city", "state", "zip", "occupation", "employer"])
def test_a_contribution_of_100_dollars_or_more_identifies_the_contributor(field):
    document = statement()
    line = parts(document)["schedule_a"][0]
    line["amount"], line[field] = "100.00", ""
    parts(document)["summary"] |= {
        "monetary_contributions": "4015.00",
        "subtotal_cash_contributions": "8015.00",
        "contributions_received": "8615.00",
        "cash_receipts": "8015.00",
        "ending_cash_balance": "3942.00",
        "contributions_received_calendar_year": "8615.00",
    }

    checked = check(document)

    assert problems(checked) == {(f"parts.schedule_a.1.{field}", ERROR)}
    assert "$100 or more" in message(checked, f"parts.schedule_a.1.{field}")


def test_a_contribution_under_100_dollars_needs_no_occupation_or_address():
    document = statement()
    line = parts(document)["schedule_a"][3]
    assert line["amount"] == "75.00" and "street" not in line and "occupation" not in line

    assert check(document).accepted


def test_a_committee_contributor_gives_no_occupation_or_employer():
    document = statement()
    line = parts(document)["schedule_a"][2]
    assert line["contributor_type"] == "committee" and "employer" not in line

    assert check(document).accepted


def test_every_contribution_states_its_contributor_type_amount_and_date():
    document = statement()
    for field in ("contributor_type", "amount", "date"):
        del parts(document)["schedule_a"][1][field]

    assert {
        ("parts.schedule_a.2.contributor_type", ERROR),
        ("parts.schedule_a.2.amount", ERROR),
        ("parts.schedule_a.2.date", ERROR),
    } <= problems(check(document))


def test_a_contribution_received_outside_the_period_is_an_error_on_its_date():
    document = statement()
    parts(document)["schedule_a"][1]["date"] = "2026-07-01"

    checked = check(document)

    assert problems(checked) == {("parts.schedule_a.2.date", ERROR)}
    assert "2026-01-01 to 2026-06-30" in message(checked, "parts.schedule_a.2.date")


def test_an_amount_with_more_than_two_decimals_is_an_error_and_the_total_is_not_checked_on_it():
    document = statement()
    parts(document)["schedule_a"][0]["amount"] = "250.005"

    checked = check(document)

    assert problems(checked) == {("parts.schedule_a.1.amount", ERROR)}
    assert "two decimals" in message(checked, "parts.schedule_a.1.amount")


def test_a_negative_contribution_is_an_error():
    document = statement()
    parts(document)["schedule_a"][0]["amount"] = "-250.00"

    assert problems(check(document)) == {("parts.schedule_a.1.amount", ERROR)}


def test_trailing_zeros_are_still_dollars_and_cents():
    document = statement()
    parts(document)["schedule_a"][0]["amount"] = "250.0000"

    assert check(document).accepted


def test_monetary_contributions_equal_schedule_a_plus_unitemized_contributions():
    document = statement()
    parts(document)["schedule_a"][1]["amount"] = "1100.00"
    parts(document)["schedule_a"][1]["cumulative_to_date"] = "1100.00"

    checked = check(document)

    assert problems(checked) == {("parts.summary.monetary_contributions", ERROR)}
    assert "(4265.00)" in message(checked, "parts.summary.monetary_contributions")
    assert "Schedule A" in message(checked, "parts.summary.monetary_contributions")


def test_payments_made_equal_schedule_e_plus_unitemized_payments():
    document = statement()
    del parts(document)["schedule_e"][2]

    checked = check(document)

    assert problems(checked) == {("parts.summary.payments_made", ERROR)}
    assert "(4430.25)" in message(checked, "parts.summary.payments_made")


def test_loans_received_are_net_of_loans_repaid_on_schedule_b():
    document = statement()
    parts(document)["schedule_b"][0]["amount_repaid_or_forgiven"] = "500.00"

    assert problems(check(document)) == {("parts.summary.loans_received", ERROR)}


def test_net_loans_may_be_negative_when_more_is_repaid_than_received():
    document = statement()
    loan = parts(document)["schedule_b"][0]
    loan |= {"amount_received": "0.00", "amount_repaid_or_forgiven": "1000.00", "balance_end": "4000.00"}
    parts(document)["summary"] |= {
        "loans_received": "-1000.00",
        "subtotal_cash_contributions": "3165.00",
        "contributions_received": "3765.00",
        "cash_receipts": "3165.00",
        "ending_cash_balance": "-908.00",
        "contributions_received_calendar_year": "3765.00",
    }

    checked = check(document)

    assert checked.accepted, [problem.as_dict() for problem in checked.errors]


def test_accrued_expenses_loans_made_and_miscellaneous_increases_tie_to_their_schedules():
    document = statement()
    parts(document)["schedule_f"][0]["amount_paid"] = "200.00"
    parts(document)["schedule_h"][0]["amount_repaid"] = "100.00"
    parts(document)["schedule_i"][0]["amount"] = "20.00"

    assert problems(check(document)) == {
        ("parts.summary.accrued_expenses", ERROR),
        ("parts.summary.loans_made", ERROR),
        ("parts.summary.miscellaneous_increases", ERROR),
    }


def test_nonmonetary_contributions_tie_to_schedule_c():
    document = statement()
    parts(document)["schedule_c"][0]["amount"] = "650.00"
    parts(document)["schedule_c"][0]["cumulative_to_date"] = "650.00"

    assert problems(check(document)) == {("parts.summary.nonmonetary_contributions", ERROR)}


def test_summary_lines_add_up_as_on_the_printed_form():
    document = statement()
    parts(document)["summary"]["contributions_received"] = "8766.00"

    checked = check(document)

    assert problems(checked) == {("parts.summary.contributions_received", ERROR)}
    assert "(8765.00)" in message(checked, "parts.summary.contributions_received")


def test_the_ending_cash_balance_is_the_beginning_plus_receipts_less_payments():
    document = statement()
    parts(document)["summary"]["ending_cash_balance"] = "4100.00"

    checked = check(document)

    assert problems(checked) == {("parts.summary.ending_cash_balance", ERROR)}
    assert "less line 15: Cash payments (4092.00)" in message(checked, "parts.summary.ending_cash_balance")


def test_a_missing_optional_summary_line_counts_as_zero():
    document = statement()
    del parts(document)["summary"]["loans_made"]

    assert problems(check(document)) == {
        ("parts.summary.loans_made", ERROR),
        ("parts.summary.subtotal_cash_payments", ERROR),
    }


def test_a_summary_amount_that_cannot_be_read_is_reported_alone():
    document = statement()
    parts(document)["summary"]["payments_made"] = "five thousand"

    assert problems(check(document)) == {("parts.summary.payments_made", ERROR)}


def test_a_cumulative_amount_below_the_contribution_is_a_warning():
    document = statement()
    parts(document)["schedule_a"][0]["cumulative_to_date"] = "200.00"

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("parts.schedule_a.1.cumulative_to_date", WARNING)}


def test_a_payment_of_100_dollars_or_more_gives_the_payees_address():
    document = statement()
    del parts(document)["schedule_e"][0]["street"]

    assert problems(check(document)) == {("parts.schedule_e.1.street", ERROR)}


def test_a_payment_code_must_be_one_of_the_forms_codes():
    document = statement()
    parts(document)["schedule_e"][0]["code"] = "XYZ"

    checked = check(document)

    assert problems(checked) == {("parts.schedule_e.1.code", ERROR)}
    assert "LIT" in message(checked, "parts.schedule_e.1.code")


def test_an_individual_lender_gives_occupation_and_employer():
    document = statement()
    del parts(document)["schedule_b"][0]["employer"]

    assert problems(check(document)) == {("parts.schedule_b.1.employer", ERROR)}


def test_schedule_d_states_support_or_opposition():
    document = statement()
    parts(document)["schedule_d"][0]["support_or_oppose"] = "neutral"

    assert problems(check(document)) == {("parts.schedule_d.1.support_or_oppose", ERROR)}


def test_schedule_g_names_the_agent_who_paid():
    document = statement()
    del parts(document)["schedule_g"][0]["agent_name"]

    assert problems(check(document)) == {("parts.schedule_g.1.agent_name", ERROR)}


def test_a_statement_type_must_be_one_the_form_knows():
    document = statement()
    parts(document)["cover"]["statement_type"] = "annual"

    assert problems(check(document)) == {("parts.cover.statement_type", ERROR)}


def test_a_period_off_the_filing_calendar_is_accepted_with_a_warning():
    document = statement()
    document["period"] = {"start": "2026-01-01", "end": "2026-07-31"}

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("period", WARNING)}


def test_a_pre_election_period_is_on_the_calendar():
    document = statement()
    document["period"] = {"start": "2026-01-01", "end": "2026-04-18"}
    for schedule in parts(document).values():
        for line in schedule if isinstance(schedule, list) else ():
            if line.get("date", "") > "2026-04-18":
                line["date"] = "2026-04-18"

    checked = check(document)

    assert checked.accepted and not checked.warnings
