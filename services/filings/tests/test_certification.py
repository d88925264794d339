import json
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.registry import payload_schema
from cars_shared.messaging_tables import outbox
from cars_shared.web.auth import sign_access_token
from filings.checking import check_submission
from filings.domain import certification
from filings.domain.certification import (
    AMENDED_460,
    ORIGINAL_460,
    REJECTED_460,
    DecidedSubmission,
    judge,
    path_matches,
    rejected_460_document,
    unmatched_problems,
    verdicts,
)
from filings.examples import example
from filings.gateway import create_app
from filings.models import Submission
from filings.submissions import handlers as submissions
from filings.vendors import handlers
from filings.vendors.models import FAILING, PASSED, ScenarioResult

VENDOR = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"
OTHER_VENDOR = "1b2c3d4e-0000-4000-8000-000000000002"
NOW = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
REJECTED_460_PROBLEMS = ("parts.schedule_a.4.employer", "parts.summary.monetary_contributions")


def decided(form="F460", status="accepted", amendment=0, error_paths=(), amends_own_filing=False):
    return DecidedSubmission(
        submission_id=str(uuid.uuid4()),
        form=form,
        status=status,
        amendment=amendment if status == "accepted" else None,
        error_paths=tuple(error_paths),
        amends_own_filing=amends_own_filing,
    )


def passed_codes(submission):
    return {verdict.scenario.code for verdict in verdicts(submission) if verdict.passed}


# The rules (no I/O)


def test_every_scenario_has_a_distinct_code_and_the_list_matches_the_event_example():
    assert len(set(certification.SCENARIO_CODES)) == len(certification.SCENARIOS)
    assert set(certification.SCENARIO_CODES) == {
        "registration_410",
        "original_460",
        "amended_460",
        "rejected_460",
        "report_497",
        "report_615",
    }


def test_an_accepted_original_460_passes_the_original_scenario_only():
    assert passed_codes(decided()) == {"original_460"}


def test_an_accepted_amendment_of_the_vendors_own_460_passes_the_amendment_scenario():
    assert passed_codes(decided(amendment=1, amends_own_filing=True)) == {"amended_460"}


def test_an_amendment_of_a_filing_the_vendor_did_not_file_does_not_count():
    verdict = judge(AMENDED_460, decided(amendment=1, amends_own_filing=False))
    assert not verdict.passed
    assert verdict.reason == "It amends a filing your software did not file in the sandbox."


def test_an_amendment_is_not_an_original():
    verdict = judge(ORIGINAL_460, decided(amendment=2, amends_own_filing=True))
    assert (verdict.passed, verdict.reason) == (False, "It was an amendment; this scenario needs an original.")


def test_a_rejection_with_exactly_the_expected_problems_passes_whatever_line_the_bad_contribution_is_on():
    for line in (1, 4, 20000):
        paths = (f"parts.schedule_a.{line}.employer", "parts.summary.monetary_contributions")
        assert passed_codes(decided(status="rejected", error_paths=paths)) == {"rejected_460"}


def test_a_rejection_missing_an_expected_problem_fails_and_says_which():
    verdict = judge(REJECTED_460, decided(status="rejected", error_paths=["parts.schedule_a.4.employer"]))
    assert not verdict.passed
    assert "expected problems not found: parts.summary.monetary_contributions" in verdict.reason


def test_a_rejection_with_a_problem_beyond_the_expected_ones_fails_and_names_it():
    paths = [*REJECTED_460_PROBLEMS, "parts.schedule_a.2.occupation"]
    verdict = judge(REJECTED_460, decided(status="rejected", error_paths=paths))
    assert not verdict.passed
    assert verdict.reason == "It was rejected, but other problems: parts.schedule_a.2.occupation."


def test_the_same_expected_problem_twice_is_one_too_many():
    paths = [*REJECTED_460_PROBLEMS, "parts.schedule_a.5.employer"]
    assert not judge(REJECTED_460, decided(status="rejected", error_paths=paths)).passed


def test_an_accepted_460_falls_short_of_the_rejection_scenario_and_a_rejected_one_of_the_others():
    assert judge(REJECTED_460, decided()).reason == "It was accepted; this scenario needs it rejected."
    rejected = decided(status="rejected", error_paths=["form"])
    assert judge(ORIGINAL_460, rejected).reason == "It was rejected with 1 error."


def test_a_submission_is_judged_only_against_the_scenarios_of_its_form():
    assert {verdict.scenario.code for verdict in verdicts(decided(form="F497"))} == {"report_497"}
    assert verdicts(decided(form="F496")) == []
    assert verdicts(decided(form=None, status="rejected", error_paths=["form"])) == []


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("parts.schedule_a.*.employer", "parts.schedule_a.12.employer", True),
        ("parts.schedule_a.*.employer", "parts.schedule_a.x.employer", False),
        ("parts.schedule_a.*.employer", "parts.schedule_a.0.employer", False),
        ("parts.schedule_a.*.employer", "parts.schedule_a.12.occupation", False),
        ("parts.schedule_a.*.employer", "parts.schedule_a.12.employer.name", False),
        ("parts.summary.monetary_contributions", "parts.summary.monetary_contributions", True),
    ],
)
def test_an_expected_path_matches_any_line_number_where_it_says_star(pattern, path, matches):
    assert path_matches(pattern, path) is matches


def test_unmatched_problems_lists_what_is_missing_and_what_is_left_over():
    assert unmatched_problems(["a.*.b", "c"], ["a.3.b", "d"]) == (["c"], ["d"])


def test_the_described_invalid_460_is_rejected_with_exactly_the_expected_problems():
    checked = check_submission(json.dumps(rejected_460_document()).encode())
    paths = [problem.path for problem in checked.errors]
    assert judge(REJECTED_460, decided(status="rejected", error_paths=paths)).passed, paths


@pytest.mark.parametrize(
    "scenario", [s for s in certification.SCENARIOS if s.outcome == "accepted"], ids=lambda s: s.code
)
def test_each_scenario_needing_an_accepted_filing_starts_from_an_example_the_checker_accepts(scenario):
    assert check_submission(json.dumps(example(scenario.form)).encode()).accepted


def test_all_passed_needs_every_scenario():
    codes = set(certification.SCENARIO_CODES)
    assert certification.all_passed(codes)
    assert not certification.all_passed(codes - {"report_615"})


# Judging decided submissions (PostgreSQL)


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def decided_event(
    database,
    form,
    *,
    vendor_id=VENDOR,
    space="sandbox",
    status="accepted",
    amendment=0,
    amends_filing_id=None,
    errors=(),
    filing_id=None,
):
    """A decided submission as intake leaves it, and its submission_decided event."""
    submission_id = str(uuid.uuid4())
    if status == "accepted":
        filing_id = filing_id or str(uuid.uuid4())
    else:
        filing_id, amendment = None, None
    with database.session() as session:
        session.add(
            Submission(
                submission_id=submission_id,
                space=space,
                submitted_by=f"vendor:{vendor_id}" if vendor_id else "user-treasurer",
                vendor_id=vendor_id,
                request_sha256="0" * 64,
                status=status,
                form=form,
                entity_id="S0000001",
                amends_filing_id=amends_filing_id,
                amends_amendment=0 if amends_filing_id else None,
                filing_id=filing_id,
                amendment=amendment,
                errors=[{"level": "error", "path": path, "message": "Wrong."} for path in errors],
                warnings=[],
                received_at=NOW,
                decided_at=NOW,
                body=b"{}",
            )
        )
    payload = {
        "submission_id": submission_id,
        "space": space,
        "status": status,
        "vendor_id": vendor_id,
        "form": form,
        "filing_id": filing_id,
        "amendment": amendment,
    }
    return make_event("filings", "submission_decided", payload)


def submit(database, form, **options):
    """A decided submission, judged as its submission_decided event arrives; returns its id and filing id."""
    event = decided_event(database, form, **options)
    with database.session() as session:
        handlers.judge_sandbox_submission(session, event, now=NOW)
    return event["payload"]["submission_id"], event["payload"]["filing_id"]


def pass_every_scenario(database, vendor_id=VENDOR):
    submit(database, "F410", vendor_id=vendor_id)
    _, original = submit(database, "F460", vendor_id=vendor_id)
    submit(database, "F460", vendor_id=vendor_id, amendment=1, amends_filing_id=original, filing_id=original)
    submit(database, "F460", vendor_id=vendor_id, status="rejected", errors=REJECTED_460_PROBLEMS)
    submit(database, "F497", vendor_id=vendor_id)
    submit(database, "F615", vendor_id=vendor_id)


WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def wait_until_a_session_waits_on_a_lock(database):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with database.engine.connect() as connection:
            if connection.scalar(WAITING_ON_A_LOCK):
                return
        time.sleep(0.02)
    raise AssertionError("no session waited on a lock")


def scenarios_passed_events(database):
    with database.session() as session:
        return list(session.scalars(select(outbox.c.envelope).where(outbox.c.event_type == "vendor_scenarios_passed")))


def standing(database, vendor_id=VENDOR):
    with database.session() as session:
        progress = handlers.certification_of(session, vendor_id)
    return {s.scenario.code: (s.result.status if s.result else None) for s in progress.standings}, progress


def test_passing_every_scenario_publishes_vendor_scenarios_passed_once(database):
    pass_every_scenario(database)
    submit(database, "F497")
    submit(database, "F460")

    events = scenarios_passed_events(database)
    assert len(events) == 1
    payload = payload_schema("filings", "vendor_scenarios_passed").load(events[0]["payload"])
    assert payload == {"vendor_id": VENDOR, "passed_at": NOW, "scenarios": list(certification.SCENARIO_CODES)}
    statuses, progress = standing(database)
    assert set(statuses.values()) == {PASSED}
    assert progress.all_passed_at == NOW


def test_the_last_two_scenarios_passing_at_once_still_publish_once(database):
    submit(database, "F410")
    _, original = submit(database, "F460")
    submit(database, "F460", amendment=1, amends_filing_id=original, filing_id=original)
    submit(database, "F460", status="rejected", errors=REJECTED_460_PROBLEMS)
    report_497, report_615 = decided_event(database, "F497"), decided_event(database, "F615")

    def judge_second():
        with database.session() as session:
            handlers.judge_sandbox_submission(session, report_615, now=NOW)

    waiter = threading.Thread(target=judge_second)
    with database.session() as first:
        handlers.judge_sandbox_submission(first, report_497, now=NOW)
        waiter.start()
        wait_until_a_session_waits_on_a_lock(database)
    waiter.join(timeout=10)

    assert len(scenarios_passed_events(database)) == 1


def test_nothing_is_published_while_a_scenario_is_still_missing(database):
    submit(database, "F410")
    _, original = submit(database, "F460")
    submit(database, "F460", amendment=1, amends_filing_id=original, filing_id=original)
    submit(database, "F460", status="rejected", errors=REJECTED_460_PROBLEMS)
    submit(database, "F497")

    assert scenarios_passed_events(database) == []
    statuses, progress = standing(database)
    assert statuses["report_615"] is None
    assert progress.all_passed_at is None


def test_each_passed_scenario_keeps_the_submission_and_filing_that_passed_it(database):
    submission_id, filing_id = submit(database, "F460")
    with database.session() as session:
        result = session.get(ScenarioResult, (VENDOR, "original_460"))
    assert (result.status, result.passed_submission_id, result.passed_filing_id, result.passed_at) == (
        PASSED,
        submission_id,
        filing_id,
        NOW,
    )


def test_a_failing_attempt_is_shown_with_its_reason_and_a_later_pass_replaces_it(database):
    failing_id, _ = submit(database, "F460", status="rejected", errors=["parts.schedule_a.4.employer"])
    with database.session() as session:
        failing = session.get(ScenarioResult, (VENDOR, "rejected_460"))
        assert (failing.status, failing.last_attempt_submission_id) == (FAILING, failing_id)
        assert "parts.summary.monetary_contributions" in failing.last_failure

    passing_id, _ = submit(database, "F460", status="rejected", errors=REJECTED_460_PROBLEMS)
    with database.session() as session:
        passed = session.get(ScenarioResult, (VENDOR, "rejected_460"))
        assert (passed.status, passed.passed_submission_id, passed.last_failure) == (PASSED, passing_id, None)


def test_a_passed_scenario_stays_passed_after_a_later_failing_attempt(database):
    passing_id, _ = submit(database, "F497")
    submit(database, "F497", status="rejected", errors=["parts.cover.entity_id"])
    with database.session() as session:
        result = session.get(ScenarioResult, (VENDOR, "report_497"))
    assert (result.status, result.passed_submission_id) == (PASSED, passing_id)


def test_production_submissions_do_not_count(database):
    submit(database, "F410", space="production")
    submit(database, "F460", space="production")
    statuses, _ = standing(database)
    assert set(statuses.values()) == {None}


def test_another_vendors_submissions_count_only_for_that_vendor(database):
    pass_every_scenario(database, vendor_id=OTHER_VENDOR)
    statuses, _ = standing(database)
    assert set(statuses.values()) == {None}
    assert [event["payload"]["vendor_id"] for event in scenarios_passed_events(database)] == [OTHER_VENDOR]


def test_amending_another_vendors_460_does_not_pass_the_amendment_scenario(database):
    _, theirs = submit(database, "F460", vendor_id=OTHER_VENDOR)
    submit(database, "F460", amendment=1, amends_filing_id=theirs, filing_id=theirs)
    with database.session() as session:
        result = session.get(ScenarioResult, (VENDOR, "amended_460"))
    assert (result.status, result.last_failure) == (
        FAILING,
        "It amends a filing your software did not file in the sandbox.",
    )


def test_submissions_by_people_are_not_judged(database):
    submit(database, "F460", vendor_id=None)
    with database.session() as session:
        assert session.scalars(select(ScenarioResult)).all() == []


# The whole path: a vendor's sandbox submissions through the e-filing API


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def sandbox_token(token_mint, vendor_id=VENDOR):
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id=f"vendor:{vendor_id}",
        username="Acme Filing Software",
        roles=("vendor",),
        ttl_seconds=300,
        extra_claims={"vendor_id": vendor_id, "scope": "sandbox", "authorised_entities": [], "entities": []},
    )
    return {"Authorization": f"Bearer {token}"}


def through_the_api(client, database, token_mint, document):
    """Submit as the vendor's sandbox software, let intake check it, and judge its submission_decided event."""
    response = client.post("/api/filings/v1/submissions", json=document, headers=sandbox_token(token_mint))
    assert response.status_code == 202, response.json
    submission_id = response.json["submission_id"]
    with database.session() as session:
        submissions.check(session, submission_id)
    with database.session() as session:
        decided = session.scalar(
            select(outbox.c.envelope).where(
                outbox.c.event_type == "submission_decided",
                outbox.c.envelope["payload"]["submission_id"].as_string() == submission_id,
            )
        )
        handlers.judge_sandbox_submission(session, read_event(decided))
    return client.get(f"/api/filings/v1/submissions/{submission_id}", headers=sandbox_token(token_mint)).json


def for_entity(form, entity_id, **changes):
    return {**example(form), "entity_id": entity_id, **changes}


def test_a_vendor_passes_every_scenario_through_the_sandbox_api(client, database, token_mint):
    committee = through_the_api(client, database, token_mint, example("F410"))
    original = through_the_api(client, database, token_mint, for_entity("F460", committee["entity_id"]))
    amends = {"filing_id": original["filing_id"], "amendment": 0}
    amended = through_the_api(client, database, token_mint, for_entity("F460", committee["entity_id"], amends=amends))
    rejected = through_the_api(client, database, token_mint, rejected_460_document(committee["entity_id"]))
    through_the_api(client, database, token_mint, for_entity("F497", committee["entity_id"]))
    lobbyist = through_the_api(client, database, token_mint, example("F604"))
    through_the_api(client, database, token_mint, for_entity("F615", lobbyist["entity_id"]))

    assert (committee["status"], original["status"], amended["status"], rejected["status"]) == (
        "accepted",
        "accepted",
        "accepted",
        "rejected",
    )
    assert amended["amendment"] == 1
    standing = client.get("/api/filings/v1/certification", headers=sandbox_token(token_mint)).json
    assert {s["code"]: s["status"] for s in standing["scenarios"]} == dict.fromkeys(
        certification.SCENARIO_CODES, "passed"
    )
    assert standing["all_passed"] is True
    assert [event["payload"]["vendor_id"] for event in scenarios_passed_events(database)] == [VENDOR]
