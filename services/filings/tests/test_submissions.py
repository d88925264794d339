"""Taking in filings: received, checked, and accepted with their effects and events, or rejected with problems."""

import json
import threading

import pytest
from sqlalchemy import func, select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.inbox import EventConsumer
from cars_shared.messaging_tables import outbox
from cars_shared.parking import ParkingLot
from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden
from filings import handlers
from filings.domain.calendar import filing_date
from filings.domain.errors import EntityNotFound
from filings.examples import example
from filings.models import Entity, Filing, FilingLine, Submission
from filings.permissions import Caller
from filings.submissions import envelope as envelope_module
from filings.submissions import handlers as submissions
from filings.submissions.envelope import UnreadableSubmission, read_envelope

TREASURER = "user-treasurer"
FILING_ID = "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"
FILING_CLAIMS = {"email_verified": True, "mfa": True}


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def person(user_id=TREASURER, *, officer_of=(), **claims):
    links = [{"entity_id": entity_id, "role": "officer"} for entity_id in officer_of]
    return Caller.of(Principal(user_id, user_id, ("filer",), {"entities": links, **FILING_CLAIMS, **claims}))


def document(form, *, entity_id=None, signer=TREASURER, **changes):
    body = example(form)
    if entity_id is not None:
        body["entity_id"] = entity_id
    body["verification"] = {**body["verification"], "signer_id": signer}
    return {**body, **changes}


def submit(database, caller, body, **options):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with database.session() as session:
        return submissions.receive(session, caller, raw, **options)


def decide(database, submission_id):
    with database.session() as session:
        submissions.check(session, submission_id)
    with database.session() as session:
        return session.get(Submission, submission_id)


def file(database, caller, body, **options):
    """Submit and check at once, as the gateway and the worker do one after the other."""
    return decide(database, submit(database, caller, body, **options).submission.submission_id)


def published(database):
    """The events queued so far, as (type, payload), oldest first."""
    with database.session() as session:
        rows = session.execute(select(outbox.c.event_type, outbox.c.envelope).order_by(outbox.c.id)).all()
    return [(row.event_type, row.envelope["payload"]) for row in rows]


def count(database, model, **where):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def register_committee(database, user_id=TREASURER):
    decided = file(database, person(user_id), document("F410", signer=user_id))
    assert decided.status == "accepted", decided.errors
    return decided.entity_id


def f460_without_employer_on_an_itemized_contribution(entity_id):
    body = document("F460", entity_id=entity_id)
    line = next(line for line in body["parts"]["schedule_a"] if line.get("employer"))
    line["employer"] = ""
    return body


# -- receiving ----------------------------------------------------------------------------------------------


def test_a_received_submission_waits_for_checking_and_submission_received_carries_no_content(database):
    received = submit(database, person(), document("F410"))
    assert not received.replayed
    assert (received.submission.status, received.submission.space, received.submission.form) == (
        "received",
        "production",
        "F410",
    )
    assert published(database) == [
        ("submission_received", {"submission_id": received.submission.submission_id, "space": "production"})
    ]


def test_people_file_only_for_entities_they_act_for(database):
    entity_id = register_committee(database)
    with pytest.raises(Forbidden):
        submit(database, person("user-stranger"), document("F460", entity_id=entity_id, signer="user-stranger"))
    with pytest.raises(Forbidden):
        submit(database, person(officer_of=[entity_id], mfa=False), document("F460", entity_id=entity_id))


def test_a_report_for_an_unknown_entity_is_not_found(database):
    with pytest.raises(EntityNotFound):
        submit(database, person(officer_of=["2999999"]), document("F460", entity_id="2999999"))


def test_only_the_original_of_a_registration_goes_without_an_entity(database):
    body = document("F460")
    del body["entity_id"]
    with pytest.raises(UnreadableSubmission) as unreadable:
        submit(database, person(), body)
    assert unreadable.value.field == "entity_id"


def test_a_body_that_is_not_a_submission_document_is_refused_on_receipt(database):
    for body, field in ((b"[1, 2]", "body"), (b'{"form": "F999"}', "form"), (b'{"form": "F460", ', "body")):
        with pytest.raises(UnreadableSubmission) as unreadable:
            submit(database, person(), body)
        assert unreadable.value.field == field
    assert count(database, Submission) == 0


def test_the_envelope_reads_the_same_whether_the_document_is_parsed_whole_or_streamed(monkeypatch):
    bodies = [
        json.dumps(document("F460", entity_id="2000001")).encode(),
        json.dumps(
            {**document("F460", entity_id="2000001"), "amends": {"filing_id": FILING_ID, "amendment": 2}}
        ).encode(),
        json.dumps(
            {"amends": {"amendment": 0, "filing_id": FILING_ID, "extra": [1]}, "form": "F460", "parts": {}}
        ).encode(),
    ]
    whole = [read_envelope(body) for body in bodies]
    monkeypatch.setattr(envelope_module, "PARSED_AT_ONCE_BYTES", 0)
    assert [read_envelope(body) for body in bodies] == whole
    assert whole[1].amends_filing_id == FILING_ID and whole[1].amends_amendment == 2


def test_a_small_document_json_would_take_but_the_streaming_parser_refuses_is_refused_as_before():
    for body in (b'{"form": "F460", "entity_id": "2000001", "x": NaN}', b'{"form": "F460"} trailing', b"[" * 100_000):
        with pytest.raises(UnreadableSubmission) as unreadable:
            read_envelope(body)
        assert unreadable.value.field == "body"


# -- deciding -----------------------------------------------------------------------------------------------


def test_a_committee_registration_creates_the_entity_then_publishes_its_registration_and_filing(database):
    decided = file(database, person(), document("F410"))
    assert (decided.status, decided.entity_id, decided.amendment, decided.errors) == ("accepted", "2000000", 0, [])
    with database.session() as session:
        entity = session.get(Entity, "2000000")
        filing = session.get(Filing, (decided.filing_id, 0))
    assert (entity.name, entity.entity_type, entity.status, entity.space) == (
        "Friends of Dana Whitfield for Assembly 2026",
        "recipient_committee",
        "active",
        "production",
    )
    assert (entity.treasurer_name, entity.city, entity.created_by) == ("Terry Okafor", "Sacramento", TREASURER)
    assert (filing.form, filing.entity_id, filing.signer_id, filing.filed_by, filing.submission_id) == (
        "F410",
        "2000000",
        TREASURER,
        TREASURER,
        decided.submission_id,
    )
    assert filing.filed_at == decided.received_at
    assert filing.verification_statement.startswith("I have used all reasonable diligence")
    types = [event_type for event_type, _ in published(database)]
    # A person's submission publishes no submission_decided: its readers are vendor webhooks and certification.
    assert types == ["submission_received", "entity_registered", "filing_accepted"]
    registered = published(database)[1][1]
    assert registered == {
        "entity_id": "2000000",
        "name": "Friends of Dana Whitfield for Assembly 2026",
        "entity_type": "recipient_committee",
        "registered_by": TREASURER,
        "registered_on": filing_date(decided.received_at).isoformat(),
        "filing_id": decided.filing_id,
        "registration_form": "F410",
    }


def test_a_report_is_accepted_with_its_records_line_items_and_totals(database):
    entity_id = register_committee(database)
    body = document("F460", entity_id=entity_id)
    decided = file(database, person(officer_of=[entity_id]), body)
    assert decided.status == "accepted", decided.errors
    with database.session() as session:
        filing = session.get(Filing, (decided.filing_id, 0))
        lines = session.scalars(
            select(FilingLine.data)
            .where(FilingLine.filing_id == decided.filing_id, FilingLine.part == "schedule_a")
            .order_by(FilingLine.line)
        ).all()
    assert filing.records["cover"]["committee_name"] == body["parts"]["cover"]["committee_name"]
    assert filing.line_counts["schedule_a"] == len(body["parts"]["schedule_a"])
    assert [line["transaction_id"] for line in lines] == [
        line["transaction_id"] for line in body["parts"]["schedule_a"]
    ]
    assert (str(filing.period_start), str(filing.period_end)) == ("2026-01-01", "2026-06-30")
    accepted = published(database)[-1]
    assert accepted[0] == "filing_accepted"
    assert accepted[1]["totals"] == filing.totals
    assert accepted[1]["totals"]["contributions_received"] == body["parts"]["summary"]["contributions_received"]
    # Events carry what is public: no line items, no addresses, nothing of the bank account.
    assert not {"parts", "records", "schedule_a"} & set(accepted[1])
    assert "000123456789" not in json.dumps(published(database))


def test_a_rejected_submission_keeps_its_problems_and_nothing_else(database):
    entity_id = register_committee(database)
    before = published(database)
    decided = file(
        database, person(officer_of=[entity_id]), f460_without_employer_on_an_itemized_contribution(entity_id)
    )
    assert (decided.status, decided.filing_id, decided.amendment) == ("rejected", None, None)
    employer = [problem for problem in decided.errors if problem["field"] == "employer"]
    assert employer and employer[0]["part"] == "schedule_a" and employer[0]["line"] >= 1
    assert employer[0]["path"] == f"parts.schedule_a.{employer[0]['line']}.employer"
    assert count(database, Filing) == 1  # the committee's Form 410 alone
    assert count(database, FilingLine, part="schedule_a") == 0
    assert [event_type for event_type, _ in published(database)[len(before) :]] == ["submission_received"]


def test_warnings_are_kept_with_the_accepted_filing(database):
    entity_id = register_committee(database)
    body = document("F460", entity_id=entity_id)
    line = body["parts"]["schedule_a"][0]
    line["cumulative_to_date"] = "1.00"  # less than this contribution alone: worth a look, not a rejection
    decided = file(database, person(officer_of=[entity_id]), body)
    assert decided.status == "accepted", decided.errors
    assert decided.warnings and decided.warnings[0]["level"] == "warning"
    with database.session() as session:
        assert session.get(Filing, (decided.filing_id, 0)).warnings == decided.warnings


def test_a_decided_submission_is_not_decided_again(database):
    received = submit(database, person(), document("F410"))
    first = decide(database, received.submission.submission_id)
    again = decide(database, received.submission.submission_id)
    assert (again.status, again.filing_id, again.entity_id) == ("accepted", first.filing_id, first.entity_id)
    assert count(database, Entity) == 1


def test_a_redelivered_submission_received_is_checked_once(database, amqp_server):
    received = submit(database, person(), document("F410"))
    consumer = EventConsumer(database, ParkingLot(amqp_server, "filings"), attempts=1)
    event = make_event("filings", "submission_received", published(database)[0][1])

    def check(session, envelope):
        submissions.check(session, envelope["payload"]["submission_id"])

    outcomes = [consumer.handle("filings.check_submission", "queue", event, check) for _ in range(2)]
    assert outcomes == ["handled", "duplicate"]
    assert decide(database, received.submission.submission_id).status == "accepted"
    assert count(database, Entity) == 1


# -- idempotency -------------------------------------------------------------------------------------------


def test_the_same_idempotency_key_and_document_answer_the_first_submission(database):
    first = submit(database, person(), document("F410"), idempotency_key="retry-1")
    again = submit(database, person(), document("F410"), idempotency_key="retry-1")
    assert again.replayed
    assert again.submission.submission_id == first.submission.submission_id
    assert count(database, Submission) == 1
    assert [event_type for event_type, _ in published(database)] == ["submission_received"]


def test_the_same_idempotency_key_with_another_document_is_a_conflict(database):
    submit(database, person(), document("F410"), idempotency_key="retry-1")
    changed = document("F410")
    changed["parts"]["committee"]["name"] = "Another Committee"
    with pytest.raises(submissions.IdempotencyConflict):
        submit(database, person(), changed, idempotency_key="retry-1")


def test_the_same_idempotency_key_sent_twice_at_once_stores_one_submission(database):
    with database.session() as first_session:
        first = submissions.receive(first_session, person(), json.dumps(document("F410")).encode(), idempotency_key="k")
        answers = []
        # The second request's insert waits for the first one's transaction, then answers its submission.
        second = threading.Thread(
            target=lambda: answers.append(submit(database, person(), document("F410"), idempotency_key="k"))
        )
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive()
    second.join(timeout=30)
    assert answers[0].replayed and answers[0].submission.submission_id == first.submission.submission_id
    assert count(database, Submission) == 1
    assert [event_type for event_type, _ in published(database)] == ["submission_received"]


def test_idempotency_keys_belong_to_their_submitter(database):
    first = submit(database, person(), document("F410"), idempotency_key="retry-1")
    other = submit(database, person("user-other"), document("F410", signer="user-other"), idempotency_key="retry-1")
    assert other.submission.submission_id != first.submission.submission_id


# -- amendments --------------------------------------------------------------------------------------------


def amendment_of(decided, body, amendment):
    return {**body, "amends": {"filing_id": decided.filing_id, "amendment": amendment}}


def test_amendments_replace_the_filing_under_its_id_with_the_next_number_and_keep_every_version(database):
    entity_id = register_committee(database)
    treasurer = person(officer_of=[entity_id])
    body = document("F460", entity_id=entity_id)
    original = file(database, treasurer, body)
    body["parts"]["cover"]["phone"] = "916-555-0199"
    first = file(database, treasurer, amendment_of(original, body, 0))
    second = file(database, treasurer, amendment_of(original, body, 1))
    assert [(d.status, d.filing_id, d.amendment) for d in (first, second)] == [
        ("accepted", original.filing_id, 1),
        ("accepted", original.filing_id, 2),
    ]
    with database.session() as session:
        versions = session.scalars(
            select(Filing.amendment).where(Filing.filing_id == original.filing_id).order_by(Filing.amendment)
        ).all()
        lines = session.scalar(
            select(func.count()).select_from(FilingLine).where(FilingLine.filing_id == original.filing_id)
        )
    assert versions == [0, 1, 2]
    assert lines == 3 * sum(len(part) for part in body["parts"].values() if isinstance(part, list))
    amended = [payload for event_type, payload in published(database) if event_type == "filing_amended"]
    assert [(a["previous_amendment"], a["amendment"]) for a in amended] == [(0, 1), (1, 2)]


def test_an_amendment_of_a_replaced_version_is_rejected_naming_the_current_one(database):
    entity_id = register_committee(database)
    treasurer = person(officer_of=[entity_id])
    body = document("F460", entity_id=entity_id)
    original = file(database, treasurer, body)
    file(database, treasurer, amendment_of(original, body, 0))
    late = file(database, treasurer, amendment_of(original, body, 0))
    assert late.status == "rejected"
    assert [(p["path"], "current version is 1" in p["message"]) for p in late.errors] == [("amends.amendment", True)]


def test_amendments_decided_together_each_see_the_versions_accepted_before_them(database):
    entity_id = register_committee(database)
    treasurer = person(officer_of=[entity_id])
    body = document("F460", entity_id=entity_id)
    original = file(database, treasurer, body)
    ids = [
        submit(database, treasurer, amendment_of(original, body, amends)).submission.submission_id
        for amends in (0, 1, 0)
    ]
    with database.session() as session:
        submissions.check_all(session, ids)
    first, second, late = (decide(database, submission_id) for submission_id in ids)
    assert [(d.status, d.amendment) for d in (first, second, late)] == [
        ("accepted", 1),
        ("accepted", 2),
        ("rejected", None),
    ]
    assert [(p["path"], "current version is 2" in p["message"]) for p in late.errors] == [("amends.amendment", True)]


def test_an_amendment_must_amend_a_filing_of_the_same_entity_and_form(database):
    entity_id = register_committee(database)
    other_id = register_committee(database, "user-other")
    treasurer = person(officer_of=[entity_id, other_id])
    registration = published(database)[2][1]["filing_id"]
    body = document("F460", entity_id=entity_id)
    original = file(database, treasurer, body)
    for amends, entity in ((original.filing_id, other_id), (registration, entity_id)):
        wrong = file(
            database, treasurer, {**body, "entity_id": entity, "amends": {"filing_id": amends, "amendment": 0}}
        )
        assert wrong.status == "rejected"
        assert [problem["path"] for problem in wrong.errors] == ["amends.filing_id"]


def test_a_registration_amendment_updates_the_entity_and_names_what_changed(database):
    registration = document("F410")
    original = file(database, person(), registration)
    amended = amendment_of(original, {**registration, "entity_id": original.entity_id}, 0)
    amended["parts"]["committee"]["city"] = "West Sacramento"
    amended["parts"]["treasurer"]["name"] = "Lee Nakamura"
    decided = file(database, person(officer_of=[original.entity_id]), amended)
    assert (decided.status, decided.amendment) == ("accepted", 1)
    with database.session() as session:
        entity = session.get(Entity, original.entity_id)
    assert (entity.city, entity.treasurer_name) == ("West Sacramento", "Lee Nakamura")
    types = [event_type for event_type, _ in published(database)]
    assert types[-2:] == ["entity_updated", "filing_amended"]
    updated = published(database)[-2][1]
    assert (updated["changed"], updated["filing_id"], updated["amendment"]) == (
        ["city", "treasurer_name"],
        original.filing_id,
        1,
    )


def test_a_termination_date_ends_the_entity_and_publishes_entity_terminated(database):
    registration = document("F410")
    original = file(database, person(), registration)
    amended = amendment_of(original, {**registration, "entity_id": original.entity_id}, 0)
    amended["parts"]["committee"]["termination_date"] = "2026-06-30"
    decided = file(database, person(officer_of=[original.entity_id]), amended)
    assert decided.status == "accepted", decided.errors
    with database.session() as session:
        entity = session.get(Entity, original.entity_id)
    assert (entity.status, str(entity.terminated_on)) == ("terminated", "2026-06-30")
    terminated = [payload for event_type, payload in published(database) if event_type == "entity_terminated"]
    assert terminated == [
        {
            "entity_id": original.entity_id,
            "name": entity.name,
            "entity_type": "recipient_committee",
            "terminated_on": "2026-06-30",
            "filing_id": original.filing_id,
        }
    ]


# -- verification ------------------------------------------------------------------------------------------


def test_a_person_signs_their_own_filing(database):
    entity_id = register_committee(database)
    decided = file(database, person(officer_of=[entity_id]), document("F460", entity_id=entity_id, signer="user-x"))
    assert decided.status == "rejected"
    assert [problem["path"] for problem in decided.errors] == ["verification.signer_id"]


def test_a_report_of_a_form_the_entity_does_not_file_is_rejected(database):
    entity_id = register_committee(database)
    decided = file(database, person(officer_of=[entity_id]), document("F615", entity_id=entity_id))
    assert decided.status == "rejected"
    assert "not filed by a recipient committee" in decided.errors[0]["message"]


def test_the_link_projection_answers_who_may_sign_for_an_entity(database):
    link = {"entity_id": "2000000", "user_id": "user-agent", "role": "agent"}
    with database.session() as session:
        handlers.record_entity_link(session, read_event(make_event("accounts", "entity_link_approved", link)))
    with database.session() as session:
        assert handlers.signer_role(session, "2000000", "user-agent") == "agent"
        revoked = {**link, "link_id": "link-1", "revoked_by": "user-officer"}
        handlers.remove_entity_link(session, read_event(make_event("accounts", "entity_link_revoked", revoked)))
    with database.session() as session:
        assert handlers.signer_role(session, "2000000", "user-agent") is None


def test_of_two_amendments_of_the_same_version_checked_at_once_one_is_accepted_and_one_refused(database):
    entity_id = register_committee(database)
    treasurer = person(officer_of=[entity_id])
    body = document("F460", entity_id=entity_id)
    original = file(database, treasurer, body)
    rivals = [submit(database, treasurer, amendment_of(original, body, 0)).submission.submission_id for _ in range(2)]
    start = threading.Barrier(2)

    def check(submission_id):
        start.wait()
        with database.session() as session:
            submissions.check(session, submission_id)

    threads = [threading.Thread(target=check, args=(submission_id,)) for submission_id in rivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    decided = sorted((decide(database, submission_id) for submission_id in rivals), key=lambda d: d.status)
    assert [(d.status, d.amendment) for d in decided] == [("accepted", 1), ("rejected", None)]
    assert [problem["path"] for problem in decided[1].errors] == ["amends.amendment"]


def test_the_events_of_submissions_decided_together_carry_each_its_own_correlation_id(database):
    entity_id = register_committee(database)
    treasurer = person(officer_of=[entity_id])
    ids = [submit(database, treasurer, document("F460", entity_id=entity_id)).submission.submission_id for _ in "ab"]
    with database.session() as session:
        submissions.check_all(session, ids, correlation_ids={ids[0]: "request-a", ids[1]: "request-b"})
    with database.session() as session:
        envelopes = session.scalars(select(outbox.c.envelope).order_by(outbox.c.id)).all()
    accepted = [(e["type"], e["correlation_id"]) for e in envelopes if e["type"] == "filing_accepted"]
    assert accepted[-2:] == [("filing_accepted", "request-a"), ("filing_accepted", "request-b")]


def test_on_sqlite_too_a_key_stores_one_submission_and_those_decided_together_keep_their_lines(migrated_sqlite):
    database = migrated_sqlite("filings")
    entity_id = register_committee(database)
    treasurer = person(officer_of=[entity_id])
    report = document("F460", entity_id=entity_id)
    bodies = [report, report, f460_without_employer_on_an_itemized_contribution(entity_id)]
    ids = [
        submit(database, treasurer, body, idempotency_key=f"k-{n}").submission.submission_id
        for n, body in enumerate(bodies)
    ]
    assert submit(database, treasurer, report, idempotency_key="k-0").submission.submission_id == ids[0]
    with database.session() as session:
        submissions.check_all(session, ids)
    decided = [decide(database, submission_id) for submission_id in ids]
    assert [d.status for d in decided] == ["accepted", "accepted", "rejected"]
    lines = sum(len(part) for part in report["parts"].values() if isinstance(part, list))
    assert [count(database, FilingLine, filing_id=d.filing_id) for d in decided[:2]] == [lines, lines]


def test_a_large_submission_shows_as_validating_while_it_is_checked(database):
    # Trailing spaces are valid JSON: the body is as large as a filing of several hundred line items.
    body = json.dumps(document("F410")).encode() + b" " * submissions.SHOWN_VALIDATING_BYTES
    received = submit(database, person(), body)
    with database.session() as checking:
        submissions.check(checking, received.submission.submission_id)
        with database.session() as reader:
            assert reader.get(Submission, received.submission.submission_id).status == "validating"
    with database.session() as reader:
        assert reader.get(Submission, received.submission.submission_id).status == "accepted"


def test_a_small_submission_goes_from_received_straight_to_its_decision(database):
    received = submit(database, person(), document("F410"))
    with database.session() as checking:
        submissions.check(checking, received.submission.submission_id)
        with database.session() as reader:
            assert reader.get(Submission, received.submission.submission_id).status == "received"
    with database.session() as reader:
        assert reader.get(Submission, received.submission.submission_id).status == "accepted"
