"""Vendor software: the sandbox it tests in, and production once certified and authorised by the entity."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import outbox
from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden
from filings import handlers
from filings.domain.errors import EntityNotFound
from filings.examples import example
from filings.models import Entity, Filing, Submission
from filings.permissions import Caller
from filings.submissions import handlers as submissions
from filings.vendors import handlers as vendor_handlers

VENDOR = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"
OTHER_VENDOR = "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6"
TREASURER = "user-treasurer"
PUBLIC_EVENTS = {"entity_registered", "entity_updated", "entity_terminated", "filing_accepted", "filing_amended"}


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def vendor(scope, *, authorised=(), vendor_id=VENDOR):
    """A vendor token's caller, with the claims accounts gives it."""
    entities = [{"entity_id": entity_id, "role": "agent"} for entity_id in authorised] if scope == "production" else []
    claims = {"vendor_id": vendor_id, "scope": scope, "authorised_entities": list(authorised), "entities": entities}
    return Caller.of(Principal(f"vendor:{vendor_id}", "Acme Filing Software", ("vendor",), claims))


def person(user_id=TREASURER, officer_of=()):
    links = [{"entity_id": entity_id, "role": "officer"} for entity_id in officer_of]
    claims = {"entities": links, "email_verified": True, "mfa": True}
    return Caller.of(Principal(user_id, user_id, ("filer",), claims))


def document(form, *, entity_id=None, signer=TREASURER):
    body = example(form)
    if entity_id is not None:
        body["entity_id"] = entity_id
    body["verification"] = {**body["verification"], "signer_id": signer}
    return body


def submit(database, caller, body, **options):
    with database.session() as session:
        return submissions.receive(session, caller, json.dumps(body).encode(), **options).submission


def decide(database, submission_id):
    with database.session() as session:
        submissions.check(session, submission_id)
    with database.session() as session:
        return session.get(Submission, submission_id)


def file(database, caller, body):
    return decide(database, submit(database, caller, body).submission_id)


def published_types(database):
    with database.session() as session:
        return session.scalars(select(outbox.c.event_type).order_by(outbox.c.id)).all()


def vendor_event(type_, *, occurred_at=None, vendor_id=VENDOR):
    payload = (
        {"vendor_id": vendor_id, "name": "Acme Filing Software", "certified_by": "staff-1"}
        if type_ == "vendor_certified"
        else {"vendor_id": vendor_id, "decertified_by": "staff-1", "reason": "Failed re-certification."}
    )
    event = read_event(make_event("accounts", type_, payload))
    if occurred_at is not None:
        event["occurred_at"] = occurred_at.isoformat()
    return event


def certify(database, type_="vendor_certified", **options):
    with database.session() as session:
        handlers.record_vendor_status(session, vendor_event(type_, **options), certified=type_ == "vendor_certified")


def committee_with_agent(database, agent=TREASURER):
    """A production committee registered by its treasurer, with accounts' link of `agent` projected."""
    decided = file(database, person(), document("F410"))
    link = {"entity_id": decided.entity_id, "user_id": agent, "role": "agent"}
    with database.session() as session:
        handlers.record_entity_link(session, read_event(make_event("accounts", "entity_link_approved", link)))
    return decided.entity_id


# -- the sandbox --------------------------------------------------------------------------------------------


def test_a_sandbox_vendor_registers_its_own_sandbox_entity_and_nothing_public_is_published(database):
    registered = file(database, vendor("sandbox"), document("F410"))
    assert (registered.status, registered.space, registered.entity_id) == ("accepted", "sandbox", "S0000001")
    report = file(database, vendor("sandbox"), document("F460", entity_id="S0000001"))
    assert report.status == "accepted", report.errors
    with database.session() as session:
        entity = session.get(Entity, "S0000001")
        filing = session.get(Filing, (report.filing_id, 0))
    assert (entity.space, entity.created_by) == ("sandbox", f"vendor:{VENDOR}")
    assert (filing.space, filing.vendor_id, filing.filed_by) == ("sandbox", VENDOR, f"vendor:{VENDOR}")
    assert not PUBLIC_EVENTS & set(published_types(database))
    assert published_types(database).count("submission_decided") == 2


def test_sandbox_entities_are_not_on_the_public_record_and_production_ids_go_on(database):
    file(database, vendor("sandbox"), document("F410"))
    production = file(database, person(), document("F410"))
    assert production.entity_id == "2000000"
    with database.session() as session:
        assert handlers.public_entity(session, "S0000001") is None
        assert handlers.public_entity(session, "2000000") is not None


def test_a_sandbox_vendor_files_neither_for_production_entities_nor_another_vendors_sandbox(database):
    production_id = committee_with_agent(database)
    file(database, vendor("sandbox", vendor_id=OTHER_VENDOR), document("F410"))
    for entity_id in (production_id, "S0000001"):
        with pytest.raises(EntityNotFound):
            submit(database, vendor("sandbox"), document("F460", entity_id=entity_id))


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_submission_is_stored_only_for_an_entity_of_its_space_that_the_submitter_may_use(
    backend, migrated_database, migrated_sqlite
):
    database = (migrated_database if backend == "postgresql" else migrated_sqlite)("filings")
    production_id = committee_with_agent(database)
    file(database, vendor("sandbox", vendor_id=OTHER_VENDOR), document("F410"))
    own = file(database, vendor("sandbox"), document("F410")).entity_id
    refused = [(vendor("sandbox"), production_id), (vendor("sandbox"), "S0000001"), (person(officer_of=[own]), own)]
    for caller, entity_id in refused:
        with pytest.raises(EntityNotFound):
            submit(database, caller, document("F460", entity_id=entity_id), idempotency_key=f"key-{entity_id}")
    stored = submit(database, vendor("sandbox"), document("F460", entity_id=own), idempotency_key="key-own")
    assert (stored.entity_id, stored.space) == (own, "sandbox")
    again = submit(database, vendor("sandbox"), document("F460", entity_id=own), idempotency_key="key-own")
    assert again.submission_id == stored.submission_id
    with database.session() as session:
        assert session.scalars(select(Submission.entity_id).where(Submission.form == "F460")).all() == [own]


def test_a_sandbox_amendment_may_not_amend_a_production_filing(database):
    entity_id = committee_with_agent(database)
    production = file(database, person(officer_of=[entity_id]), document("F460", entity_id=entity_id))
    file(database, vendor("sandbox"), document("F410"))
    body = {**document("F460", entity_id="S0000001"), "amends": {"filing_id": production.filing_id, "amendment": 0}}
    decided = file(database, vendor("sandbox"), body)
    assert decided.status == "rejected"
    assert [problem["path"] for problem in decided.errors] == ["amends.filing_id"]


# -- production -------------------------------------------------------------------------------------------


def test_a_certified_vendor_files_for_an_entity_that_authorised_it_signed_by_its_agent(database):
    entity_id = committee_with_agent(database)
    certify(database)
    decided = file(database, vendor("production", authorised=[entity_id]), document("F460", entity_id=entity_id))
    assert (decided.status, decided.space) == ("accepted", "production"), decided.errors
    assert published_types(database)[-2:] == ["filing_accepted", "submission_decided"]


def test_only_vendor_decisions_concern_webhooks_and_only_sandbox_ones_certification(database):
    """The worker's submission_decided consumers skip, without a transaction, what they would do nothing with."""
    entity_id = committee_with_agent(database)
    certify(database)
    before = published_types(database).count("submission_decided")
    file(database, person(officer_of=[entity_id]), document("F460", entity_id=entity_id))
    assert published_types(database).count("submission_decided") == before  # a person's decision is not published
    file(database, vendor("production", authorised=[entity_id]), document("F460", entity_id=entity_id))
    file(database, vendor("sandbox"), document("F410"))
    with database.session() as session:
        envelopes = session.scalars(
            select(outbox.c.envelope).where(outbox.c.event_type == "submission_decided").order_by(outbox.c.id)
        ).all()
    production, sandbox = (read_event(envelope) for envelope in envelopes[-2:])
    persons = read_event(make_event("filings", "submission_decided", {**production["payload"], "vendor_id": None}))
    decided = [persons, production, sandbox]
    assert [vendor_handlers.decided_for_vendor(event) for event in decided] == [False, True, True]
    assert [vendor_handlers.decided_in_vendor_sandbox(event) for event in decided] == [False, False, True]


def test_an_uncertified_vendor_is_refused_production(database):
    entity_id = committee_with_agent(database)
    with pytest.raises(Forbidden, match="not certified"):
        submit(database, vendor("production", authorised=[entity_id]), document("F460", entity_id=entity_id))


def test_decertification_takes_effect_at_once_even_for_unexpired_tokens(database):
    entity_id = committee_with_agent(database)
    token_holder = vendor("production", authorised=[entity_id])
    certify(database)
    submit(database, token_holder, document("F460", entity_id=entity_id))
    certify(database, "vendor_decertified")
    with pytest.raises(Forbidden, match="not certified"):
        submit(database, token_holder, document("F460", entity_id=entity_id))


def test_a_vendor_decertified_between_receipt_and_checking_is_rejected(database):
    entity_id = committee_with_agent(database)
    certify(database)
    submission = submit(database, vendor("production", authorised=[entity_id]), document("F460", entity_id=entity_id))
    certify(database, "vendor_decertified")
    decided = decide(database, submission.submission_id)
    assert decided.status == "rejected"
    assert "no longer certified" in decided.errors[0]["message"]


def test_an_older_certification_event_arriving_late_changes_nothing(database):
    now = datetime.now(UTC)
    certify(database, "vendor_decertified", occurred_at=now)
    certify(database, "vendor_certified", occurred_at=now - timedelta(minutes=5))
    with database.session() as session:
        assert handlers.vendor_certified(session, VENDOR) is False


def test_a_vendor_files_only_for_entities_that_authorised_it(database):
    entity_id = committee_with_agent(database)
    certify(database)
    with pytest.raises(Forbidden, match="authorised"):
        submit(database, vendor("production", authorised=["2999999"]), document("F460", entity_id=entity_id))


def test_vendors_do_not_register_new_entities_in_production(database):
    certify(database)
    with pytest.raises(Forbidden, match="sandbox"):
        submit(database, vendor("production", authorised=["2000000"]), document("F410"))


def test_a_vendors_signer_must_be_an_officer_or_agent_of_the_entity_when_checked(database):
    entity_id = committee_with_agent(database)
    certify(database)
    caller = vendor("production", authorised=[entity_id])
    stranger = file(database, caller, document("F460", entity_id=entity_id, signer="user-stranger"))
    assert stranger.status == "rejected"
    assert [problem["path"] for problem in stranger.errors] == ["verification.signer_id"]
    received = submit(database, caller, document("F460", entity_id=entity_id))
    revoked = {"entity_id": entity_id, "user_id": TREASURER, "role": "agent", "link_id": "l-1", "revoked_by": "u"}
    with database.session() as session:
        handlers.remove_entity_link(session, read_event(make_event("accounts", "entity_link_revoked", revoked)))
    assert decide(database, received.submission_id).status == "rejected"


def test_only_vendor_software_names_a_webhook(database):
    with pytest.raises(submissions.WebhookNotAllowed):
        submit(database, person(), document("F410"), webhook_url="https://example.org/hook")
    kept = submit(database, vendor("sandbox"), document("F410"), webhook_url="https://vendor.example/hook")
    assert kept.webhook_url == "https://vendor.example/hook"
