"""Form 496, 24-Hour Independent Expenditure Report: spending for or against one candidate or measure."""

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


def test_form_496_is_a_24_hour_report():
    form = form_named("F496")

    assert form.kind is FormKind.REPORT and form.has_period
    assert "independent_expenditure_committee" in form.entity_types


def test_the_example_report_is_accepted_with_its_totals():
    checked = check(example("F496"))

    assert checked.accepted and not checked.warnings
    assert checked.totals == {"expenditures": Decimal("6050.00"), "contributions_received": Decimal("5000.00")}


def test_a_report_lists_at_least_one_expenditure():
    document = example("F496")
    document["parts"]["expenditures"] = []

    assert problems(check(document)) == {("parts.expenditures", ERROR)}


def test_the_report_names_the_candidate_or_measure_and_whether_it_supports_or_opposes():
    document = example("F496")
    del document["parts"]["cover"]["candidate_or_measure"]
    document["parts"]["cover"]["support_or_oppose"] = "both"

    assert problems(check(document)) == {
        ("parts.cover.candidate_or_measure", ERROR),
        ("parts.cover.support_or_oppose", ERROR),
    }


def test_each_expenditure_is_described_and_dated_within_the_window():
    document = example("F496")
    expenditure = document["parts"]["expenditures"][1]
    del expenditure["description"]
    expenditure["date"] = "2026-10-16"

    assert problems(check(document)) == {
        ("parts.expenditures.2.description", ERROR),
        ("parts.expenditures.2.date", ERROR),
    }


def test_a_contribution_received_of_100_dollars_or_more_identifies_its_contributor():
    document = example("F496")
    del document["parts"]["contributions_received"][0]["employer"]

    assert problems(check(document)) == {("parts.contributions_received.1.employer", ERROR)}


def test_a_report_spanning_a_week_is_accepted_with_a_warning():
    document = example("F496")
    document["period"] = {"start": "2026-10-09", "end": "2026-10-15"}

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("period", WARNING)}
