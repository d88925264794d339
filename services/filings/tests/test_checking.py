"""Checking a submission: streaming its JSON, naming each problem by part, line and field, in bounded memory."""

import json
import tracemalloc
from decimal import Decimal

import pytest

from filings.checking import PARSED_AT_ONCE_BYTES, CheckedSubmission, _loaded, check_submission
from filings.domain.forms import FORMS
from filings.domain.forms.declaration import Level
from filings.domain.forms.validation import Problem, declaration_mistakes
from filings.examples import campaign, example

ERROR, WARNING = Level.ERROR.value, Level.WARNING.value


def check(document: dict, **options) -> CheckedSubmission:
    return check_submission(json.dumps(document).encode(), **options)


def problems(checked: CheckedSubmission) -> set[tuple[str, str]]:
    return {(problem.path, problem.level.value) for problem in checked.errors + checked.warnings}


def contribution(number: int, amount: str = "150.00") -> dict:
    return {
        "date": "2026-03-01",
        "contributor_type": "individual",
        "contributor_name": f"Contributor {number}",
        "street": f"{1000 + number % 8000} J Street",
        "city": "Sacramento",
        "state": "CA",
        "zip": "95814",
        "occupation": "Teacher",
        "employer": "Sacramento City Unified School District",
        "amount": amount,
        "cumulative_to_date": amount,
        "transaction_id": f"A-{number}",
    }


def statement_with_contributions(count: int, amount: str = "150.00") -> dict:
    """The example Form 460 with `count` Schedule A contributions, its summary adding up."""
    document = example("F460")
    summary = document["parts"]["summary"]
    added = Decimal(amount) * count - Decimal(summary["monetary_contributions"]) + Decimal("340.00")
    document["parts"]["schedule_a"] = [contribution(number, amount) for number in range(1, count + 1)]
    for line in (
        "monetary_contributions",
        "subtotal_cash_contributions",
        "contributions_received",
        "cash_receipts",
        "ending_cash_balance",
        "contributions_received_calendar_year",
    ):
        summary[line] = str(Decimal(summary[line]) + added)
    return document


@pytest.mark.parametrize("code", sorted(campaign.EXAMPLES))
def test_every_campaign_example_is_accepted_without_warnings(code):
    checked = check(example(code))

    assert checked.accepted, [problem.as_dict() for problem in checked.errors]
    assert checked.warnings == []
    assert checked.envelope is not None and checked.envelope.form.code == code


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_declaration_names_only_fields_it_has(code):
    assert declaration_mistakes(FORMS[code]) == []


def test_a_problem_is_placed_by_part_line_and_field():
    problem = Problem(Level.ERROR, "Required.", "schedule_a", 12, "employer")

    assert problem.path == "parts.schedule_a.12.employer"
    assert problem.as_dict() == {
        "level": "error",
        "path": "parts.schedule_a.12.employer",
        "part": "schedule_a",
        "line": 12,
        "field": "employer",
        "message": "Required.",
    }
    assert Problem(Level.ERROR, "x", field="period.end").path == "period.end"
    assert Problem(Level.ERROR, "x", "summary", field="payments_made").path == "parts.summary.payments_made"
    assert Problem(Level.ERROR, "x").path == "body"


def test_each_line_is_handed_on_in_order_with_its_values_ready_for_json():
    handed = []

    check(example("F460"), on_line=lambda part, number, line: handed.append((part, number, line)))

    assert [(part, number) for part, number, _ in handed][:5] == [
        ("schedule_a", 1),
        ("schedule_a", 2),
        ("schedule_a", 3),
        ("schedule_a", 4),
        ("schedule_b", 1),
    ]
    assert len(handed) == 14
    first = handed[0][2]
    assert first["amount"] == "250.00" and first["date"] == "2026-02-03"
    assert json.loads(json.dumps(first)) == first


def test_amounts_are_kept_as_dollars_and_cents():
    document = example("F460")
    document["parts"]["schedule_a"][3]["amount"] = "75"
    document["parts"]["summary"]["beginning_cash_balance"] = "1520.4"
    handed = []

    checked = check(document, on_line=lambda part, number, line: handed.append(line))

    assert checked.accepted
    assert handed[3]["amount"] == "75.00"
    assert checked.records["summary"]["beginning_cash_balance"] == "1520.40"


def test_records_are_cleaned_blank_fields_left_out():
    document = example("F460")
    document["parts"]["cover"]["district"] = "  "
    document["parts"]["cover"]["ballot_measure"] = None

    checked = check(document)

    assert checked.accepted
    assert "district" not in checked.records["cover"] and "ballot_measure" not in checked.records["cover"]
    assert checked.records["cover"]["committee_name"] == "Friends of Dana Whitfield for Assembly 2026"
    assert set(checked.records) == {"cover", "summary"}


def test_line_counts_name_every_schedule_and_totals_are_the_declared_ones():
    checked = check(example("F460"))

    assert checked.line_counts == {
        "schedule_a": 4,
        "schedule_b": 1,
        "schedule_c": 1,
        "schedule_d": 1,
        "schedule_e": 3,
        "schedule_f": 1,
        "schedule_g": 1,
        "schedule_h": 1,
        "schedule_i": 1,
    }
    assert checked.totals == {
        "contributions_received": Decimal("8765.00"),
        "expenditures_made": Decimal("7405.75"),
        "ending_cash_balance": Decimal("4092.00"),
    }


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b'{"form": "F460",}', b'{"form": "F460"} trailing', b'{"form": "F460"}{}', b'{"form": "\xff"}'],
    ids=["empty", "unfinished", "trailing comma", "trailing text", "two documents", "not UTF-8"],
)
def test_malformed_json_is_an_error_on_the_body_not_an_exception(body):
    checked = check_submission(body)

    assert not checked.accepted and checked.envelope is None
    assert [(problem.path, problem.message.split(":")[0]) for problem in checked.errors] == [
        ("body", "The body is not valid JSON")
    ]


def test_json_broken_after_some_lines_is_rejected_whatever_was_handed_on():
    body = json.dumps(example("F460")).encode()
    broken = body[: body.index(b'"schedule_b"') + 20]

    checked = check_submission(broken, lambda *line: None)

    assert not checked.accepted
    assert problems(checked) == {("body", ERROR)}


@pytest.mark.parametrize("body", [b"[]", b"null", b'"F460"', b"42"])
def test_a_body_that_is_not_an_object_is_named(body):
    checked = check_submission(body)

    assert checked.envelope is None
    assert problems(checked) == {("body", ERROR)}


def test_an_unknown_form_is_named_and_its_parts_are_not_read():
    document = example("F460")
    document["form"] = "F999"

    checked = check(document)

    assert checked.envelope is None
    assert problems(checked) == {("form", ERROR)}
    assert "'F999'" in checked.errors[0].message and "F460" in checked.errors[0].message


def test_a_missing_form_and_missing_parts_are_named():
    checked = check({"entity_id": "2000001"})

    assert problems(checked) == {("form", ERROR), ("parts", ERROR)}


def test_unknown_fields_of_the_submission_are_named():
    document = example("F460")
    document["signature"] = "Terry"

    checked = check(document)

    assert problems(checked) == {("signature", ERROR)}
    assert "'signature'" in checked.errors[0].message


def test_an_unknown_part_is_named():
    document = example("F460")
    document["parts"]["schedule_z"] = [{"amount": "1.00"}]

    checked = check(document)

    assert problems(checked) == {("parts.schedule_z", ERROR)}
    assert "'schedule_z'" in checked.errors[0].message


def test_an_unknown_field_of_a_line_is_named_with_its_part_and_line():
    document = example("F460")
    document["parts"]["schedule_a"][1]["favourite_colour"] = "green"

    checked = check(document)

    assert problems(checked) == {("parts.schedule_a.2.favourite_colour", ERROR)}
    assert "'favourite_colour'" in checked.errors[0].message


def test_names_from_the_submission_are_shown_without_control_characters():
    document = example("F460")
    document["parts"]["schedule_a"][0]["bad\u0000name"] = "x"

    checked = check(document)

    assert [problem.field for problem in checked.errors] == ["bad?name"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", 150, "as a string"),
        ("amount", "150.00 dollars", "as a string"),
        ("date", "03/01/2026", "2026-03-01"),
        ("date", "2026-02-30", "2026-03-01"),
        ("state", "California", "two-letter"),
        ("state", "CA\n", "control characters"),
        ("zip", "9581", "ZIP code"),
        ("contributor_type", "person", "individual, committee"),
        ("contributor_name", "x" * 201, "at most 200 characters"),
        ("employer", "Line one\nLine two", "control characters"),
        ("occupation", ["Teacher"], "Must be text"),
        ("committee_id", "13-00456", "filer ID"),
    ],
)
def test_a_value_of_the_wrong_type_or_format_is_an_error_naming_part_line_and_field(field, value, message):
    document = example("F460")
    document["parts"]["schedule_a"][2][field] = value

    checked = check(document)

    assert ("parts.schedule_a.3." + field, ERROR) in problems(checked)
    assert message in next(problem.message for problem in checked.errors if problem.field == field)


def test_a_line_that_is_not_an_object_is_named():
    document = example("F460")
    document["parts"]["schedule_e"].append("River City Printing, 100.00")

    checked = check(document)

    assert ("parts.schedule_e.4", ERROR) in problems(checked)


def test_a_record_part_given_as_a_list_and_a_lines_part_given_as_an_object_are_named():
    document = example("F460")
    document["parts"]["cover"] = [document["parts"]["cover"]]
    document["parts"]["schedule_g"] = document["parts"]["schedule_g"][0]

    checked = check(document)

    assert {("parts.cover", ERROR), ("parts.schedule_g", ERROR)} <= problems(checked)


def test_a_key_given_twice_is_an_error():
    body = json.dumps(example("F460")).encode()
    doubled = body.replace(b'"form": "F460"', b'"form": "F460", "form": "F497"', 1)

    checked = check_submission(doubled)

    assert problems(checked) == {("form", ERROR)}


def test_parts_before_the_form_and_period_are_checked_all_the_same():
    document = example("F460")
    document["parts"]["schedule_a"][0]["date"] = "2026-07-04"
    reordered = {"parts": document.pop("parts"), **document}
    handed = []

    checked = check(reordered, on_line=lambda part, number, line: handed.append((part, number)))

    assert problems(checked) == {("parts.schedule_a.1.date", ERROR)}
    assert checked.line_counts["schedule_a"] == 4


def test_lines_stop_being_handed_on_once_an_error_is_found():
    document = example("F460")
    document["parts"]["schedule_a"][1]["amount"] = "-5.00"
    handed = []

    checked = check(document, on_line=lambda part, number, line: handed.append((part, number)))

    assert not checked.accepted
    assert handed == [("schedule_a", 1)]
    assert checked.line_counts["schedule_e"] == 3


def test_warnings_do_not_stop_lines_being_handed_on():
    document = example("F460")
    document["parts"]["schedule_a"][0]["cumulative_to_date"] = "100.00"
    handed = []

    checked = check(document, on_line=lambda part, number, line: handed.append((part, number)))

    assert checked.accepted
    assert problems(checked) == {("parts.schedule_a.1.cumulative_to_date", WARNING)}
    assert len(handed) == 14


def test_a_part_with_more_lines_than_allowed_is_an_error_and_its_lines_are_still_counted():
    document = example("F410")
    candidate = document["parts"]["controlling_candidates"][0]
    document["parts"]["controlling_candidates"] = [candidate] * 25

    checked = check(document)

    assert problems(checked) == {("parts.controlling_candidates", ERROR)}
    assert "25 lines; at most 20" in checked.errors[0].message
    assert checked.line_counts["controlling_candidates"] == 25


def test_problems_stop_being_listed_at_the_limit_but_lines_are_counted_to_the_end():
    document = statement_with_contributions(50)
    for line in document["parts"]["schedule_a"]:
        line["employer"] = ""

    checked = check(document, max_problems=10)

    assert len(checked.errors) == 11
    assert [problem.path for problem in checked.errors[:2]] == [
        "parts.schedule_a.1.employer",
        "parts.schedule_a.2.employer",
    ]
    assert checked.errors[-1].path == "body"
    assert "first 10 problems" in checked.errors[-1].message and "40 more errors" in checked.errors[-1].message
    assert checked.line_counts["schedule_a"] == 50


def test_envelope_problems_are_listed_first_even_past_the_limit():
    document = statement_with_contributions(20)
    for line in document["parts"]["schedule_a"]:
        line["employer"] = ""
    document["verification"]["agrees"] = False

    checked = check(document, max_problems=5)

    assert checked.errors[0].path == "verification.agrees"


def test_many_warnings_past_the_limit_leave_the_filing_accepted():
    document = statement_with_contributions(30)
    for line in document["parts"]["schedule_a"]:
        line["cumulative_to_date"] = "1.00"

    checked = check(document, max_problems=10)

    assert checked.accepted
    assert len(checked.warnings) == 11 and "20 more warnings" in checked.warnings[-1].message


class TestEnvelope:
    def test_a_report_needs_its_period(self):
        document = example("F460")
        del document["period"]

        assert problems(check(document)) == {("period", ERROR)}

    def test_a_registration_covers_no_period(self):
        document = example("F410")
        document["period"] = {"start": "2026-01-01", "end": "2026-06-30"}

        assert problems(check(document)) == {("period", ERROR)}

    def test_a_period_must_not_end_before_it_starts(self):
        document = example("F460")
        document["period"] = {"start": "2026-06-30", "end": "2026-01-01"}

        checked = check(document)

        assert problems(checked) == {("period.end", ERROR)}
        assert checked.envelope.period is None

    def test_a_period_with_an_unreadable_date_names_it(self):
        document = example("F460")
        document["period"] = {"start": "2026-01-01", "end": "June 30"}

        assert problems(check(document)) == {("period.end", ERROR)}

    def test_a_period_off_the_filing_calendar_is_a_warning(self):
        document = example("F460")
        document["period"] = {"start": "2026-01-01", "end": "2026-05-31"}
        for line in document["parts"].values():
            for item in line if isinstance(line, list) else ():
                if item.get("date", "") > "2026-05-31":
                    item["date"] = "2026-05-31"

        checked = check(document)

        assert checked.accepted
        assert problems(checked) == {("period", WARNING)}

    def test_the_signer_must_agree(self):
        document = example("F460")
        document["verification"]["agrees"] = False

        checked = check(document)

        assert problems(checked) == {("verification.agrees", ERROR)}
        assert checked.envelope.verification is None

    def test_the_verification_is_required_with_its_signer(self):
        document = example("F460")
        del document["verification"]
        assert problems(check(document)) == {("verification", ERROR)}

        document["verification"] = {"signer_id": "", "agrees": True}
        assert problems(check(document)) == {("verification.signer_id", ERROR), ("verification.signer_name", ERROR)}

    def test_the_verification_names_the_signer(self):
        checked = check(example("F460"))

        assert checked.envelope.verification.signer_name == "Terry Okafor"
        assert checked.envelope.verification.signer_id == campaign.SIGNER_ID

    def test_a_report_needs_its_filers_id(self):
        document = example("F460")
        del document["entity_id"]

        assert problems(check(document)) == {("entity_id", ERROR)}

    def test_a_filer_id_is_letters_and_digits(self):
        document = example("F460")
        document["entity_id"] = "2000001; DROP TABLE"

        assert problems(check(document)) == {("entity_id", ERROR)}

    def test_an_amendment_names_the_filing_and_the_version_it_replaces(self):
        document = example("F460")
        document["amends"] = {"filing_id": "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40", "amendment": 0}

        checked = check(document)

        assert checked.accepted
        assert (checked.envelope.amends_filing_id, checked.envelope.amends_amendment) == (
            "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40",
            0,
        )

    def test_an_amendment_with_an_unreadable_reference_is_named(self):
        document = example("F460")
        document["amends"] = {"filing_id": "last one", "amendment": -1, "reason": "typo"}

        assert problems(check(document)) == {
            ("amends.filing_id", ERROR),
            ("amends.amendment", ERROR),
            ("amends.reason", ERROR),
        }


def test_checking_a_20000_line_statement_holds_one_line_at_a_time_in_memory():
    document = statement_with_contributions(20_000)
    body = json.dumps(document).encode()
    del document
    handed = 0

    def count_line(part: str, number: int, line: dict) -> None:
        nonlocal handed
        handed += 1

    tracemalloc.start()
    try:
        checked = check_submission(body, count_line)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert checked.accepted, [problem.as_dict() for problem in checked.errors[:3]]
    assert checked.line_counts["schedule_a"] == 20_000 and handed == 20_000 + 10
    # Holding the lines would take several times the body; one at a time stays well under half of it.
    assert peak < len(body) / 2, f"peak {peak} bytes for a body of {len(body)} bytes"


# -- a small document is parsed whole, a large one streamed: both read it alike ------------------------------


def _read_both_ways(body: bytes, monkeypatch) -> tuple[tuple, tuple]:
    def outcome() -> tuple:
        handed: list = []
        checked = check_submission(body, on_line=lambda *line: handed.append(line))
        return (
            checked.envelope,
            checked.records,
            checked.line_counts,
            checked.totals,
            checked.errors,
            checked.warnings,
            handed,
        )

    whole = outcome()
    with monkeypatch.context() as patched:
        patched.setattr("filings.checking._loaded", lambda _body: None)
        streamed = outcome()
    return whole, streamed


def _parts_first(document: dict) -> dict:
    return {"parts": document["parts"], **{key: value for key, value in document.items() if key != "parts"}}


def _with(document: dict, path: tuple, value) -> dict:
    changed = json.loads(json.dumps(document))
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


F460 = statement_with_contributions(5)
F410 = example("F410")
CANDIDATE = {"candidate_name": "Jane Doe", "office": "Assembly"}
READ_ALIKE = {
    **{f"example {code}": json.dumps(example(code)).encode() for code in FORMS},
    "parts before the form": json.dumps(_parts_first(F460)).encode(),
    "unknown top-level field": json.dumps({**F460, "extra": [1, {"a": 2}]}).encode(),
    "parts not an object": json.dumps({**F460, "parts": [1, 2]}).encode(),
    "lines not a list": json.dumps(_with(F460, ("parts", "schedule_a"), {"a": 1})).encode(),
    "a line not an object": json.dumps(_with(F460, ("parts", "schedule_a", 2), "text")).encode(),
    "unknown part": json.dumps(_with(F460, ("parts", "schedule_z"), [])).encode(),
    "wrong types": json.dumps(_with(F460, ("parts", "schedule_a", 1, "amount"), 150.5)).encode(),
    "number with exponent": json.dumps(_with(F460, ("parts", "schedule_a", 1, "amount"), 1.5e2)).encode(),
    "nested value in a line": json.dumps(_with(F460, ("parts", "schedule_a", 0, "memo"), {"x": [1]})).encode(),
    "more lines than allowed": json.dumps(_with(F410, ("parts", "controlling_candidates"), [CANDIDATE] * 25)).encode(),
    "items past the limit of any kind": json.dumps(
        _with(F410, ("parts", "controlling_candidates"), [CANDIDATE] * 20 + [[1, {"a": 2}], 3, None])
    ).encode(),
    "form unknown": json.dumps({**F460, "form": "F999"}).encode(),
    "duplicate top-level key": b'{"form": "F460", "form": "F460", "parts": {}}',
    "duplicate part": json.dumps(F460).encode()[:-2] + b', "schedule_a": []}}',
    "duplicate key in a line": json.dumps(F460).encode().replace(b'"city": "Sacramento"', b'"city": "A", "city": "B"'),
    "NaN": json.dumps(F460).encode().replace(b'"150.00"', b"NaN", 1),
    "escaped surrogate": json.dumps(F460).encode().replace(b"Contributor 1", b"Contributor \\ud800", 1),
    "escaped pair": json.dumps(F460).encode().replace(b"Contributor 1", b"Contributor \\ud83d\\ude00", 1),
    "not UTF-8": json.dumps(F460).encode().replace(b"Contributor 1", b"Contributor \xff", 1),
    "trailing garbage": json.dumps(F460).encode() + b" {}",
    "not an object": b"[1, 2, 3]",
}


STREAMED_ANYWAY = {
    "duplicate top-level key",
    "duplicate part",
    "duplicate key in a line",
    "NaN",
    "escaped surrogate",
    "escaped pair",
    "not UTF-8",
    "trailing garbage",
    "not an object",
}


@pytest.mark.parametrize("case", READ_ALIKE)
def test_a_document_parsed_whole_is_read_as_the_streaming_reader_reads_it(case, monkeypatch):
    body = READ_ALIKE[case]
    assert (_loaded(body) is None) == (case in STREAMED_ANYWAY)
    whole, streamed = _read_both_ways(body, monkeypatch)
    assert whole == streamed


def test_a_large_document_is_streamed():
    body = json.dumps(statement_with_contributions(1000)).encode()
    assert len(body) >= PARSED_AT_ONCE_BYTES
    assert _loaded(body) is None
    assert check_submission(body).accepted
