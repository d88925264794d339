"""Vendor certification: the scenarios a vendor's sandbox submissions must pass, and how a submission is judged.

The scenarios are data. Each names a form, the outcome it needs (accepted, or rejected with exactly the
expected problems) and, for amendments, that the vendor amends a filing it filed itself. The documents start
from the valid examples served by the e-filing API (`filings.examples.example(form)`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from filings.examples import example

ACCEPTED = "accepted"
REJECTED = "rejected"

# A problem path's line number; in an expected path it is written `*`, matching any line.
ANY_LINE = "*"
LINE_NUMBER = re.compile(r"^[1-9][0-9]*$")


class Version(StrEnum):
    """Which version of a filing a scenario needs."""

    ORIGINAL = "original"
    AMENDMENT = "amendment"
    ANY = "any"


@dataclass(frozen=True)
class Scenario:
    code: str
    title: str
    form: str
    outcome: str
    """`accepted`, or `rejected` with exactly `expected_problems`."""
    instructions: str
    version: Version = Version.ANY
    expected_problems: tuple[str, ...] = ()
    """Error paths the rejection must name, no more and no fewer; `*` stands for any line number."""


@dataclass(frozen=True)
class DecidedSubmission:
    """What certification reads of a decided sandbox submission of the vendor."""

    submission_id: str
    form: str | None
    status: str
    amendment: int | None = None
    error_paths: tuple[str, ...] = ()
    amends_own_filing: bool = False
    """True when the submission amends a filing the same vendor filed in the sandbox."""


@dataclass(frozen=True)
class Verdict:
    """How one submission fared against one scenario it attempted; `reason` says what was missing."""

    scenario: Scenario
    passed: bool
    reason: str = ""


REGISTRATION_410 = Scenario(
    code="registration_410",
    title="Register a committee (Form 410)",
    form="F410",
    outcome=ACCEPTED,
    version=Version.ORIGINAL,
    instructions=(
        'Submit the Form 410 example (example "F410") in the sandbox without an entity_id. It is accepted and '
        "registers a sandbox committee whose entity ID starts with S; file the campaign scenarios for it."
    ),
)
ORIGINAL_460 = Scenario(
    code="original_460",
    title="File a campaign statement (Form 460)",
    form="F460",
    outcome=ACCEPTED,
    version=Version.ORIGINAL,
    instructions=(
        'Submit the Form 460 example (example "F460") as an original (no "amends"), with its entity_id set to '
        "your sandbox committee's ID. It must be accepted; warnings are allowed."
    ),
)
AMENDED_460 = Scenario(
    code="amended_460",
    title="Amend the campaign statement (Form 460 amendment)",
    form="F460",
    outcome=ACCEPTED,
    version=Version.AMENDMENT,
    instructions=(
        "Amend a Form 460 your software filed in the sandbox: resubmit the whole statement, as corrected, with "
        '"amends": {"filing_id": <its filing_id>, "amendment": <the version it replaces>}. It must be accepted '
        "as the next amendment number."
    ),
)
REJECTED_460 = Scenario(
    code="rejected_460",
    title="Send an invalid Form 460 and read its problems",
    form="F460",
    outcome=REJECTED,
    expected_problems=("parts.schedule_a.*.employer", "parts.summary.monetary_contributions"),
    instructions=(
        'Take the Form 460 example (example "F460") and append one Schedule A line: a copy of its first line '
        "with the amount 150.00 and no employer. Leave the summary page as it is, so its line 1 (monetary "
        "contributions) no longer equals Schedule A. It must be rejected with exactly two errors: the missing "
        "employer of a contribution of $100 or more on the new line, and the summary's monetary contributions "
        "that do not match Schedule A."
    ),
)
REPORT_497 = Scenario(
    code="report_497",
    title="File a 24-hour contribution report (Form 497)",
    form="F497",
    outcome=ACCEPTED,
    instructions=(
        'Submit the Form 497 example (example "F497") with its entity_id set to your sandbox committee\'s ID. '
        "It must be accepted."
    ),
)
REPORT_615 = Scenario(
    code="report_615",
    title="File a lobbyist report (Form 615)",
    form="F615",
    outcome=ACCEPTED,
    instructions=(
        'Register a lobbyist in the sandbox with the Form 604 example (example "F604", without an entity_id), '
        'then submit the Form 615 example (example "F615") with its entity_id set to that lobbyist\'s ID. '
        "It must be accepted."
    ),
)

SCENARIOS: tuple[Scenario, ...] = (
    REGISTRATION_410,
    ORIGINAL_460,
    AMENDED_460,
    REJECTED_460,
    REPORT_497,
    REPORT_615,
)
SCENARIO_CODES: tuple[str, ...] = tuple(scenario.code for scenario in SCENARIOS)


def scenario_named(code: str) -> Scenario:
    """The scenario with this code (a KeyError names an unknown one)."""
    for scenario in SCENARIOS:
        if scenario.code == code:
            return scenario
    raise KeyError(f"unknown certification scenario {code!r}")


def path_matches(pattern: str, path: str) -> bool:
    """True when `path` is `pattern` with each `*` standing for a line number."""
    expected, actual = pattern.split("."), path.split(".")
    if len(expected) != len(actual):
        return False
    return all(
        (want == ANY_LINE and LINE_NUMBER.match(got) is not None) or want == got
        for want, got in zip(expected, actual, strict=True)
    )


def unmatched_problems(expected: Iterable[str], actual: Iterable[str]) -> tuple[list[str], list[str]]:
    """The expected paths no problem matched, and the problems left over once each expected path took one."""
    left = list(actual)
    missing: list[str] = []
    for pattern in expected:
        found = next((path for path in left if path_matches(pattern, path)), None)
        if found is None:
            missing.append(pattern)
        else:
            left.remove(found)
    return missing, left


def judge(scenario: Scenario, submission: DecidedSubmission) -> Verdict:
    """Whether the submission passes the scenario (which must be for the submission's form)."""
    if submission.status != scenario.outcome:
        if scenario.outcome == ACCEPTED:
            count = len(submission.error_paths)
            return Verdict(scenario, False, f"It was rejected with {count} error{'s' if count != 1 else ''}.")
        return Verdict(scenario, False, "It was accepted; this scenario needs it rejected.")
    if scenario.version is Version.ORIGINAL and submission.amendment not in (None, 0):
        return Verdict(scenario, False, "It was an amendment; this scenario needs an original.")
    if scenario.version is Version.AMENDMENT:
        if not submission.amendment:
            return Verdict(scenario, False, "It was an original; this scenario needs an amendment.")
        if not submission.amends_own_filing:
            return Verdict(scenario, False, "It amends a filing your software did not file in the sandbox.")
    if scenario.outcome == REJECTED:
        missing, unexpected = unmatched_problems(scenario.expected_problems, submission.error_paths)
        if missing or unexpected:
            parts = []
            if missing:
                parts.append("expected problems not found: " + ", ".join(missing))
            if unexpected:
                parts.append("other problems: " + ", ".join(unexpected))
            return Verdict(scenario, False, "It was rejected, but " + "; ".join(parts) + ".")
    return Verdict(scenario, True)


def verdicts(submission: DecidedSubmission, scenarios: Iterable[Scenario] = SCENARIOS) -> list[Verdict]:
    """The submission judged against every scenario of its form; other scenarios it did not attempt."""
    return [judge(scenario, submission) for scenario in scenarios if scenario.form == submission.form]


def all_passed(passed: Collection[str], scenarios: Iterable[Scenario] = SCENARIOS) -> bool:
    """True once every scenario's code is among `passed`."""
    return all(scenario.code in passed for scenario in scenarios)


def rejected_460_document(entity_id: str | None = None) -> dict[str, Any]:
    """The invalid Form 460 the `rejected_460` scenario describes, built from the valid example."""
    document = example("F460")
    if entity_id is not None:
        document["entity_id"] = entity_id
    lines = document["parts"]["schedule_a"]
    unemployed = {name: value for name, value in lines[0].items() if name != "employer"}
    lines.append({**unemployed, "amount": "150.00"})
    return document
