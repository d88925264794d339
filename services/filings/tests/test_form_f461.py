"""Form 461, Major Donor and Independent Expenditure Committee Statement."""

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


def test_form_461_is_filed_by_major_donors_and_independent_expenditure_committees():
    form = form_named("F461")

    assert form.kind is FormKind.REPORT and form.has_period
    assert set(form.entity_types) == {"major_donor_committee", "independent_expenditure_committee"}


def test_the_example_statement_is_accepted_with_its_totals():
    checked = check(example("F461"))

    assert checked.accepted and not checked.warnings
    assert checked.totals == {
        "contributions_and_expenditures_made": Decimal("12500.00"),
        "contributions_received": Decimal("0.00"),
    }


def test_the_total_made_equals_the_itemized_lines_plus_those_under_100_dollars():
    document = example("F461")
    document["parts"]["summary"]["unitemized_made"] = "80.00"

    checked = check(document)

    assert problems(checked) == {("parts.summary.contributions_and_expenditures_made", ERROR)}
    assert "(12580.00)" in checked.errors[0].message


def test_each_line_says_whether_it_is_monetary_nonmonetary_or_an_independent_expenditure():
    document = example("F461")
    document["parts"]["contributions_made"][1]["kind"] = "loan"

    assert problems(check(document)) == {("parts.contributions_made.2.kind", ERROR)}


def test_contributions_received_tie_to_the_summary():
    document = example("F461")
    document["parts"]["contributions_received"] = [
        {
            "date": "2026-04-01",
            "contributor_type": "individual",
            "contributor_name": "Helen Park",
            "street": "1720 44th Street",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95819",
            "occupation": "Physician",
            "employer": "Sutter Medical Group",
            "amount": "2500.00",
        }
    ]

    assert problems(check(document)) == {("parts.summary.contributions_received", ERROR)}

    document["parts"]["summary"]["contributions_received"] = "2500.00"
    assert check(document).accepted


def test_the_filer_type_is_major_donor_or_independent_expenditure_committee():
    document = example("F461")
    document["parts"]["cover"]["filer_type"] = "recipient_committee"

    assert problems(check(document)) == {("parts.cover.filer_type", ERROR)}


def test_a_contribution_made_after_the_period_is_an_error():
    document = example("F461")
    document["parts"]["contributions_made"][0]["date"] = "2026-07-15"

    assert problems(check(document)) == {("parts.contributions_made.1.date", ERROR)}
