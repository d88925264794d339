"""A Form 460 with 20,000 line items is accepted and stored in bounded memory."""

import json
import tracemalloc
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cars_shared.messaging_tables import outbox
from cars_shared.web.auth import Principal
from filings.domain.forms import form_named
from filings.domain.forms.declaration import SumOfFields, SumOfLines
from filings.examples import example
from filings.models import Filing, FilingLine, Submission
from filings.permissions import Caller
from filings.submissions import handlers as submissions

TREASURER = "user-treasurer"
ITEMS = 20_000
MEMORY_BOUND = 32 * 1024 * 1024
"""Far below what 20,000 parsed line items take at once (the document alone is several megabytes as text)."""


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def treasurer(entity_id=None):
    links = [{"entity_id": entity_id, "role": "officer"}] if entity_id else []
    claims = {"entities": links, "email_verified": True, "mfa": True}
    return Caller.of(Principal(TREASURER, "treasurer", ("filer",), claims))


def with_consistent_totals(document):
    """Every total the form's rules derive from the lines, recomputed (totals feed totals: until they settle)."""
    form, parts = form_named(document["form"]), document["parts"]

    def value(ref):
        part = parts.get(ref.part)
        if isinstance(part, list):
            return sum((Decimal(line.get(ref.field) or 0) for line in part), Decimal(0))
        return Decimal((part or {}).get(ref.field) or 0)

    for _ in range(len(form.rules) + 1):
        changed = False
        for rule in form.rules:
            if isinstance(rule, SumOfLines):
                total = (
                    value(rule.lines) + sum(map(value, rule.plus), Decimal(0)) - sum(map(value, rule.less), Decimal(0))
                )
            elif isinstance(rule, SumOfFields):
                total = sum(map(value, rule.addends), Decimal(0)) - sum(map(value, rule.less), Decimal(0))
            else:
                continue
            text = f"{total:.2f}"
            if parts[rule.total.part].get(rule.total.field) != text:
                parts[rule.total.part][rule.total.field] = text
                changed = True
        if not changed:
            return document
    raise AssertionError("the totals do not settle")


def large_f460(entity_id, items):
    document = example("F460")
    document["entity_id"] = entity_id
    document["verification"] = {**document["verification"], "signer_id": TREASURER}
    patterns = document["parts"]["schedule_a"]
    document["parts"]["schedule_a"] = [
        {**patterns[n % len(patterns)], "contributor_name": f"Contributor {n}", "transaction_id": f"A-{n:05d}"}
        for n in range(items)
    ]
    return with_consistent_totals(document)


def test_a_form_460_with_20000_line_items_is_accepted_and_stored_in_bounded_memory(database):
    registration = example("F410")
    registration["verification"] = {**registration["verification"], "signer_id": TREASURER}
    with database.session() as session:
        received = submissions.receive(session, treasurer(), json.dumps(registration).encode())
    with database.session() as session:
        committee = submissions.check(session, received.submission.submission_id).entity_id
    body = json.dumps(large_f460(committee, ITEMS)).encode()
    with database.session() as session:
        submission_id = submissions.receive(session, treasurer(committee), body).submission.submission_id
    del body

    tracemalloc.start()
    try:
        with database.session() as session:
            submissions.check(session, submission_id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    with database.session() as session:
        decided = session.get(Submission, submission_id)
        assert decided.status == "accepted", decided.errors[:3]
        filing = session.get(Filing, (decided.filing_id, 0))
        stored = session.scalar(
            select(func.count())
            .select_from(FilingLine)
            .where(FilingLine.filing_id == decided.filing_id, FilingLine.part == "schedule_a")
        )
        last = session.get(FilingLine, (decided.filing_id, 0, "schedule_a", ITEMS))
    assert filing.line_counts["schedule_a"] == stored == ITEMS
    assert last.data["transaction_id"] == f"A-{ITEMS - 1:05d}"
    assert peak < MEMORY_BOUND, f"checking and storing took {peak / 2**20:.1f} MiB at its peak"


def test_a_long_filing_rejected_after_some_lines_were_written_keeps_none_of_them(database):
    """Lines reach the database a chunk at a time while checking goes on; a rejection found at the end rolls back
    the chunks written, and only them: another submission decided in the same transaction keeps its filing.
    """
    registration = example("F410")
    registration["verification"] = {**registration["verification"], "signer_id": TREASURER}
    with database.session() as session:
        received = submissions.receive(session, treasurer(), json.dumps(registration).encode())
    with database.session() as session:
        committee = submissions.check(session, received.submission.submission_id).entity_id
    short = large_f460(committee, 3)
    long_with_a_wrong_total = large_f460(committee, submissions.LINES_CHUNK + 500)
    long_with_a_wrong_total["parts"]["summary"]["monetary_contributions"] = "1.00"
    with database.session() as session:
        short_id, long_id = (
            submissions.receive(session, treasurer(committee), json.dumps(document).encode()).submission.submission_id
            for document in (short, long_with_a_wrong_total)
        )

    with database.session() as session:
        submissions.check(session, short_id)
        submissions.check(session, long_id)

    with database.session() as session:
        kept, rejected = session.get(Submission, short_id), session.get(Submission, long_id)
        schedule_a = dict(
            session.execute(
                select(FilingLine.filing_id, func.count())
                .where(FilingLine.part == "schedule_a")
                .group_by(FilingLine.filing_id)
            ).all()
        )
    assert (kept.status, rejected.status) == ("accepted", "rejected")
    assert "parts.summary.monetary_contributions" in [problem["path"] for problem in rejected.errors]
    assert schedule_a == {kept.filing_id: 3}


def test_submissions_decided_together_keep_each_its_own_lines_decision_and_events(database):
    """The worker decides the submissions that arrive together in one transaction; each ends as it would alone,
    whatever comes before or after it: a long one rejected after writing lines undoes only its own.
    """
    registration = example("F410")
    registration["verification"] = {**registration["verification"], "signer_id": TREASURER}
    with database.session() as session:
        received = submissions.receive(session, treasurer(), json.dumps(registration).encode())
    with database.session() as session:
        committee = submissions.check(session, received.submission.submission_id).entity_id
    long_with_a_wrong_total = large_f460(committee, submissions.LINES_CHUNK + 500)
    long_with_a_wrong_total["parts"]["summary"]["monetary_contributions"] = "1.00"
    documents = [large_f460(committee, 3), large_f460(committee, 2), long_with_a_wrong_total, large_f460(committee, 4)]
    with database.session() as session:
        ids = [
            submissions.receive(session, treasurer(committee), json.dumps(document).encode()).submission.submission_id
            for document in documents
        ]
    with database.session() as session:
        decided_before = submissions.check(session, ids[1]).decided_at

    with database.session() as session:
        decided = submissions.check_all(session, ids)
        assert list(decided) == ids

    with database.session() as session:
        short, alone, long_one, last = (session.get(Submission, submission_id) for submission_id in ids)
        schedule_a = dict(
            session.execute(
                select(FilingLine.filing_id, func.count())
                .where(FilingLine.part == "schedule_a")
                .group_by(FilingLine.filing_id)
            ).all()
        )
        acceptances = session.execute(
            select(outbox.c.envelope).where(outbox.c.event_type == "filing_accepted").order_by(outbox.c.id)
        ).scalars()
        accepted_order = [envelope["payload"]["filing_id"] for envelope in acceptances]
    assert [s.status for s in (short, alone, long_one, last)] == ["accepted", "accepted", "rejected", "accepted"]
    assert alone.decided_at == decided_before  # decided before: left as it was
    assert schedule_a == {short.filing_id: 3, alone.filing_id: 2, last.filing_id: 4}
    # After the F410's, in the order decided: the one decided before, then the others (the rejected one has none).
    assert accepted_order[1:] == [alone.filing_id, short.filing_id, last.filing_id]
