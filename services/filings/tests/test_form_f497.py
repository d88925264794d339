"""Form 497, 24-Hour Contribution Report: contributions of $1,000 or more received or made near an election."""

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


def test_form_497_is_a_report_whose_period_is_the_report_window():
    form = form_named("F497")

    assert form.kind is FormKind.REPORT and form.has_period


def test_the_example_report_is_accepted_with_what_was_received_and_made():
    checked = check(example("F497"))

    assert checked.accepted and not checked.warnings
    assert checked.line_counts == {"contributions_received": 2, "contributions_made": 1}
    assert checked.totals == {"contributions_received": Decimal("7000.00"), "contributions_made": Decimal("1500.00")}


def test_a_report_of_contributions_made_only_is_accepted():
    document = example("F497")
    del document["parts"]["contributions_received"]

    checked = check(document)

    assert checked.accepted
    assert checked.totals["contributions_received"] == Decimal("0.00")


def test_a_report_listing_nothing_is_an_error():
    document = example("F497")
    document["parts"]["contributions_received"] = []
    del document["parts"]["contributions_made"]

    assert problems(check(document)) == {("parts", ERROR)}


def test_a_contribution_under_1000_dollars_is_accepted_with_a_warning():
    document = example("F497")
    document["parts"]["contributions_received"][0]["amount"] = "900.00"

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("parts.contributions_received.1.amount", WARNING)}
    assert "$1,000 or more" in checked.warnings[0].message


def test_a_contribution_dated_outside_the_window_is_an_error():
    document = example("F497")
    document["parts"]["contributions_made"][0]["date"] = "2026-10-19"

    assert problems(check(document)) == {("parts.contributions_made.1.date", ERROR)}


def test_a_window_longer_than_a_day_is_accepted_with_a_warning():
    document = example("F497")
    document["period"] = {"start": "2026-10-17", "end": "2026-10-21"}

    checked = check(document)

    assert checked.accepted
    assert problems(checked) == {("period", WARNING)}


def test_an_individual_contributor_gives_occupation_and_employer():
    document = example("F497")
    del document["parts"]["contributions_received"][0]["occupation"]

    assert problems(check(document)) == {("parts.contributions_received.1.occupation", ERROR)}


def test_a_contribution_made_names_its_recipient():
    document = example("F497")
    del document["parts"]["contributions_made"][0]["recipient_name"]

    assert problems(check(document)) == {("parts.contributions_made.1.recipient_name", ERROR)}


def test_the_filer_states_the_election():
    document = example("F497")
    del document["parts"]["cover"]["election_date"]

    assert problems(check(document)) == {("parts.cover.election_date", ERROR)}
