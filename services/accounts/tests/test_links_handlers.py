from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from accounts import handlers as account_handlers
from accounts.audit.models import AuditEntry
from accounts.domain.entity_links import LinkRuleBroken, NotPermitted
from accounts.domain.throttling import CLAIMS_PER_CLAIMANT, CLAIMS_PER_CLIENT, CLAIMS_PER_ENTITY
from accounts.links import handlers
from accounts.links.claim_attempts import AccessCodeRefused, TooManyClaimAttempts
from accounts.links.claims import entity_claims
from accounts.links.handlers import Caller, EntityUnknown
from accounts.links.models import AccessCodeFailure, EntityAccessCode
from accounts.models import EntityLink, User
from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox

PASSWORD = "quiet river stone"
ADDRESS = {"street": "1500 11th Street", "city": "Sacramento", "state": "CA", "zip": "95814"}


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


def person(database, name, roles=("filer",)):
    with database.session() as session:
        user = account_handlers.register_user(session, name, f"{name}@example.org", PASSWORD)
        user.roles = list(roles)
        return Caller(user.id, "203.0.113.7")


def registered_entity(database, officer, entity_id="2000001"):
    event = make_event(
        "filings",
        "entity_registered",
        {
            "entity_id": entity_id,
            "name": "Friends of Example",
            "entity_type": "recipient_committee",
            "registered_by": officer.user_id,
            "registered_on": date(2026, 3, 2),
            "filing_id": "filing-1",
        },
    )
    with database.session() as session:
        handlers.record_entity(session, event)
        account_handlers.link_registrant_to_entity(session, event)
    return entity_id


def legacy_entity(database, entity_id="1400001"):
    with database.session() as session:
        handlers.record_legacy_entity(session, entity_id, "Committee to Keep Example", ADDRESS)
    return entity_id


def events_of(database, event_type):
    with database.session() as session:
        rows = session.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type).order_by(outbox.c.id))
        return [row.envelope["payload"] for row in rows]


STAFF_ACTIONS = ("entity_", "partner_", "administered_")


def audit_actions(database):
    """The link and staff actions in the audit log (sign-ins and the like left out)."""
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))
        return [entry.action for entry in entries if entry.action.startswith(STAFF_ACTIONS)]


def run(database, use_case, *args):
    with database.session() as session:
        return use_case(session, *args)


def test_a_request_is_pending_and_announced_until_an_officer_approves_it(database):
    officer, agent = person(database, "officer1"), person(database, "agent1")
    entity_id = registered_entity(database, officer)
    link = run(database, handlers.request_link, agent, entity_id, "agent")
    assert link.status == "pending"
    assert events_of(database, "entity_link_requested") == [
        {"link_id": link.id, "user_id": agent.user_id, "entity_id": entity_id, "role": "agent"}
    ]
    assert run(database, entity_claims, agent.user_id)["entities"] == []
    run(database, handlers.decide_link, officer, link.id, True)
    assert run(database, entity_claims, agent.user_id)["entities"] == [{"entity_id": entity_id, "role": "agent"}]
    assert events_of(database, "entity_link_approved")[-1] == {
        "user_id": agent.user_id,
        "entity_id": entity_id,
        "role": "agent",
        "link_id": link.id,
        "approval": "officer",
        "approved_by": officer.user_id,
    }
    assert audit_actions(database) == ["entity_link_approved"]


def test_a_request_staff_approve_is_announced_as_approved_by_staff(database):
    officer, agent = person(database, "officer1"), person(database, "agent1")
    clerk = person(database, "clerk1", ("staff",))
    entity_id = registered_entity(database, officer)
    link = run(database, handlers.request_link, agent, entity_id, "viewer")
    run(database, handlers.decide_link, clerk, link.id, True)
    approved = events_of(database, "entity_link_approved")[-1]
    assert (approved["user_id"], approved["role"], approved["approval"], approved["approved_by"]) == (
        agent.user_id,
        "viewer",
        "staff",
        clerk.user_id,
    )


def test_a_request_for_an_unknown_entity_is_refused(database):
    with pytest.raises(EntityUnknown):
        run(database, handlers.request_link, person(database, "someone"), "2999999", "viewer")


def test_an_agent_cannot_decide_requests_but_staff_can_deny_them(database):
    officer, agent, viewer = person(database, "officer1"), person(database, "agent1"), person(database, "viewer1")
    staff = person(database, "clerk1", ("staff",))
    entity_id = registered_entity(database, officer)
    run(
        database,
        handlers.decide_link,
        officer,
        run(database, handlers.request_link, agent, entity_id, "agent").id,
        True,
    )
    request = run(database, handlers.request_link, viewer, entity_id, "viewer")
    with pytest.raises(NotPermitted):
        run(database, handlers.decide_link, agent, request.id, True)
    denied = run(database, handlers.decide_link, staff, request.id, False, "not known to the committee")
    assert denied.status == "denied"
    assert events_of(database, "entity_link_denied")[0]["decided_by"] == staff.user_id
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.decide_link, staff, request.id, True)


def test_the_last_officer_cannot_leave_or_be_downgraded_but_can_after_naming_another(database):
    officer, second = person(database, "officer1"), person(database, "officer2")
    entity_id = registered_entity(database, officer)
    with database.session() as session:
        own = session.scalar(select(EntityLink).where(EntityLink.user_id == officer.user_id))
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.revoke_link, officer, own.id)
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.change_role, officer, own.id, "viewer")
    other = run(database, handlers.request_link, second, entity_id, "officer")
    run(database, handlers.decide_link, officer, other.id, True)
    changed = run(database, handlers.change_role, second, own.id, "viewer")
    assert changed.role == "viewer"
    assert events_of(database, "entity_link_role_changed")[0]["previous_role"] == "officer"
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.revoke_link, second, other.id)


def test_a_revoked_link_leaves_the_claims_and_is_announced(database):
    officer, agent = person(database, "officer1"), person(database, "agent1")
    entity_id = registered_entity(database, officer)
    link = run(database, handlers.request_link, agent, entity_id, "agent")
    run(database, handlers.decide_link, officer, link.id, True)
    run(database, handlers.revoke_link, officer, link.id)
    assert run(database, entity_claims, agent.user_id)["entities"] == []
    assert events_of(database, "entity_link_revoked")[0]["revoked_by"] == officer.user_id
    again = run(database, handlers.request_link, agent, entity_id, "viewer")
    assert (again.id, again.status, again.role) == (link.id, "pending", "viewer")


def test_staff_issue_a_code_that_claims_a_migrated_entity_once(database):
    staff, claimant, latecomer = (
        person(database, "clerk1", ("staff",)),
        person(database, "treasurer1"),
        person(database, "treasurer2"),
    )
    entity_id = legacy_entity(database)
    [issued] = run(database, handlers.issue_access_codes, staff, [entity_id])
    [letter] = events_of(database, "entity_access_code_issued")
    assert letter["mailing_address"] == ADDRESS and letter["code_id"] == issued.code_id
    with database.session() as session:
        stored = session.get(EntityAccessCode, issued.code_id)
        assert letter["access_code"] not in stored.code_digest
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.request_link, claimant, entity_id, "officer", {"access_code": "AAAA-AAAA-AAAA-AAAA"})
    link = run(database, handlers.request_link, claimant, entity_id, "officer", {"access_code": letter["access_code"]})
    assert link.status == "approved" and link.role == "officer"
    [approved] = events_of(database, "entity_link_approved")
    assert (approved["link_id"], approved["approval"], approved["approved_by"]) == (
        link.id,
        "access_code",
        claimant.user_id,
    )
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.request_link, latecomer, entity_id, "officer", {"access_code": letter["access_code"]})
    assert audit_actions(database) == ["entity_access_codes_issued", "entity_claimed"]


def test_a_new_code_replaces_the_old_one_and_expired_codes_do_not_work(database):
    staff, claimant = person(database, "clerk1", ("staff",)), person(database, "treasurer1")
    entity_id = legacy_entity(database)
    run(database, handlers.issue_access_codes, staff, [entity_id])
    run(database, handlers.issue_access_codes, staff, [entity_id])
    first, second = (letter["access_code"] for letter in events_of(database, "entity_access_code_issued"))
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.request_link, claimant, entity_id, "officer", {"access_code": first})
    with database.session() as session:
        for code in session.scalars(select(EntityAccessCode)):
            code.expires_on = datetime.now(UTC).date() - timedelta(days=1)
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.request_link, claimant, entity_id, "officer", {"access_code": second})


def test_codes_go_only_to_migrated_entities_and_a_new_entity_cannot_be_claimed(database):
    staff, officer, claimant = (
        person(database, "clerk1", ("staff",)),
        person(database, "officer1"),
        person(database, "treasurer1"),
    )
    entity_id = registered_entity(database, officer)
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.issue_access_codes, staff, [entity_id])
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.request_link, claimant, entity_id, "officer", {"access_code": "AAAA-AAAA-AAAA-AAAA"})
    with pytest.raises(NotPermitted):
        run(database, handlers.issue_access_codes, officer, [entity_id])


def test_bulk_codes_go_to_every_unclaimed_migrated_entity(database):
    staff = person(database, "clerk1", ("staff",))
    for entity_id in ("1400001", "1400002", "1400003"):
        legacy_entity(database, entity_id)
    unclaimed = run(database, handlers.unclaimed_legacy_entities, 1000)
    issued = run(database, handlers.issue_access_codes, staff, unclaimed)
    assert [code.entity_id for code in issued] == ["1400001", "1400002", "1400003"]
    assert len(events_of(database, "entity_access_code_issued")) == 3


def test_a_migrated_entity_can_also_be_linked_by_staff_review(database):
    staff, claimant = person(database, "clerk1", ("staff",)), person(database, "treasurer1")
    entity_id = legacy_entity(database)
    request = run(database, handlers.request_link, claimant, entity_id, "officer")
    assert run(database, handlers.decide_link, staff, request.id, True).status == "approved"


def test_partner_grants_appear_in_claims_only_while_active(database):
    staff, partner = person(database, "clerk1", ("staff",)), person(database, "ftb1", ("partner",))
    today = datetime.now(UTC).date()
    run(database, handlers.grant_partner_access, staff, partner.user_id, "1400001", today, today + timedelta(days=30))
    old = run(database, handlers.grant_partner_access, staff, partner.user_id, "1400002", today, today)
    with database.session() as session:
        session.get(type(old), old.id).ends_on = today - timedelta(days=1)
        session.get(type(old), old.id).starts_on = today - timedelta(days=10)
    grants = run(database, entity_claims, partner.user_id)["partner_grants"]
    assert [grant["entity_id"] for grant in grants] == ["1400001"]
    assert grants[0]["until"] > datetime.now(UTC).timestamp()
    [active] = run(database, handlers.partner_grants, staff, partner.user_id, 10)[1:]
    run(database, handlers.revoke_partner_access, staff, active.id)
    assert run(database, entity_claims, partner.user_id)["partner_grants"] == []
    assert audit_actions(database) == ["partner_access_granted", "partner_access_granted", "partner_access_revoked"]


def test_grants_go_only_to_partner_accounts_and_only_staff_grant(database):
    staff, filer = person(database, "clerk1", ("staff",)), person(database, "filer1")
    today = datetime.now(UTC).date()
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.grant_partner_access, staff, filer.user_id, "1400001", today, today)
    with pytest.raises(NotPermitted):
        run(database, handlers.grant_partner_access, filer, filer.user_id, "1400001", today, today)


def test_only_an_administrator_creates_staff_accounts_and_it_is_audited(database):
    admin, staff = person(database, "root1", ("administrator",)), person(database, "clerk1", ("staff",))
    with pytest.raises(NotPermitted):
        run(database, handlers.create_administered_user, staff, "clerk2", "c2@example.org", PASSWORD, ["staff"])
    with pytest.raises(LinkRuleBroken):
        run(database, handlers.create_administered_user, admin, "clerk2", "c2@example.org", PASSWORD, ["filer"])
    created = run(database, handlers.create_administered_user, admin, "clerk2", "c2@example.org", PASSWORD, ["staff"])
    with database.session() as session:
        assert session.get(User, created.id).roles == ["staff"]
    assert audit_actions(database) == ["administered_user_created"]


def test_the_console_bootstraps_the_first_administrator(database, monkeypatch, capsys):
    from accounts.links import admin_cli

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    status = admin_cli.main(["create-administrator", "root", "root@example.org", "--password-stdin"], database)
    assert status == 0
    with database.session() as session:
        assert session.scalar(select(User.roles).where(User.username_key == "root")) == ["administrator"]
    with database.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "administered_user_created"))
        assert (entry.actor_id, entry.client, entry.action) == (None, "console", "administered_user_created")


# --- failed access codes: audited and throttled --------------------------------------------------------------

WRONG_CODE = "AAAA-AAAA-AAAA-AAAA"


def attempt(database, caller, entity_id, code):
    """A claim in a unit of work that keeps what a refusal recorded, as the gateway runs it."""
    with account_handlers.keeping_refusals(database.session) as session:
        return handlers.request_link(session, caller, entity_id, "officer", {"access_code": code})


def issued_code(database, staff, entity_id):
    run(database, handlers.issue_access_codes, staff, [entity_id])
    return events_of(database, "entity_access_code_issued")[-1]["access_code"]


def claim_entries(database):
    with database.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.startswith("entity_claim")).order_by(AuditEntry.sequence)
        )
        return [
            (entry.action, entry.outcome, entry.actor_id, entry.target, entry.client, entry.detail) for entry in entries
        ]


def fail_many(database, caller, entity_id, times):
    for _ in range(times):
        with pytest.raises(AccessCodeRefused):
            attempt(database, caller, entity_id, WRONG_CODE)


def test_a_wrong_code_is_audited_with_who_which_entity_and_where_but_never_the_code(database):
    claimant = person(database, "treasurer1")
    entity_id = legacy_entity(database)
    with pytest.raises(AccessCodeRefused) as refused:
        attempt(database, claimant, entity_id, WRONG_CODE)
    assert refused.value.field == "access_code"
    assert claim_entries(database) == [
        (
            "entity_claim",
            "failure",
            claimant.user_id,
            f"entity:{entity_id}",
            "203.0.113.7",
            {"proof": "access_code", "reason": "not_valid"},
        )
    ]
    with database.session() as session:
        everything = " ".join(str(row) for row in session.execute(select(AuditEntry.__table__)).all())
    assert WRONG_CODE not in everything and WRONG_CODE.replace("-", "") not in everything


def test_five_wrong_codes_lock_the_entity_even_for_the_right_code_until_the_lock_ends(database):
    staff, claimant = person(database, "clerk1", ("staff",)), person(database, "treasurer1")
    entity_id = legacy_entity(database)
    code = issued_code(database, staff, entity_id)
    fail_many(database, claimant, entity_id, CLAIMS_PER_ENTITY.limit)
    with pytest.raises(TooManyClaimAttempts) as locked:
        attempt(database, claimant, entity_id, code)
    assert 0 < locked.value.retry_after <= CLAIMS_PER_ENTITY.window.total_seconds()
    assert run(database, entity_claims, claimant.user_id)["entities"] == []
    entries = claim_entries(database)
    lockouts = [entry for entry in entries if entry[0] == "entity_claim.lockout"]
    assert {entry[5]["scope"] for entry in lockouts} == {"claimant", "entity"}
    assert entries[-1][1:2] == ("refused",) and entries[-1][5]["reason"] == "locked_out"
    with database.session() as session:
        for failure in session.scalars(select(AccessCodeFailure)):
            failure.failed_at -= CLAIMS_PER_ENTITY.window
    link = attempt(database, claimant, entity_id, code)
    assert (link.status, link.role) == ("approved", "officer")


def test_wrong_codes_from_many_people_lock_the_entity_for_everyone(database):
    staff = person(database, "clerk1", ("staff",))
    entity_id = legacy_entity(database)
    code = issued_code(database, staff, entity_id)
    for number in range(CLAIMS_PER_ENTITY.limit):
        fail_many(database, person(database, f"guesser{number}"), entity_id, 1)
    with pytest.raises(TooManyClaimAttempts):
        attempt(database, person(database, "treasurer1"), entity_id, code)


def test_one_person_guessing_codes_of_many_entities_is_locked_out_of_every_claim(database):
    staff, guesser = person(database, "clerk1", ("staff",)), person(database, "guesser1")
    for number in range(CLAIMS_PER_CLAIMANT.limit):
        fail_many(database, guesser, legacy_entity(database, f"14000{number:02d}"), 1)
    entity_id = legacy_entity(database, "1499999")
    code = issued_code(database, staff, entity_id)
    with pytest.raises(TooManyClaimAttempts):
        attempt(database, guesser, entity_id, code)
    assert attempt(database, person(database, "treasurer1"), entity_id, code).status == "approved"


def test_many_people_guessing_from_one_address_lock_that_address_out(database):
    staff = person(database, "clerk1", ("staff",))
    guessers = [person(database, f"guesser{number}") for number in range(4)]
    entities = [legacy_entity(database, f"14000{number:02d}") for number in range(CLAIMS_PER_CLIENT.limit // 4)]
    for guesser in guessers:
        for entity_id in entities:
            fail_many(database, guesser, entity_id, 1)
    entity_id = legacy_entity(database, "1499999")
    code = issued_code(database, staff, entity_id)
    with pytest.raises(TooManyClaimAttempts):
        attempt(database, person(database, "treasurer1"), entity_id, code)
    elsewhere = Caller(person(database, "treasurer2").user_id, "198.51.100.20")
    assert attempt(database, elsewhere, entity_id, code).status == "approved"
    assert any(
        entry[0] == "entity_claim.lockout" and entry[5]["scope"] == "client" for entry in claim_entries(database)
    )


def test_a_code_for_an_entity_claimed_already_counts_as_a_failed_attempt(database):
    staff, claimant, latecomer = (
        person(database, "clerk1", ("staff",)),
        person(database, "treasurer1"),
        person(database, "treasurer2"),
    )
    entity_id = legacy_entity(database)
    code = issued_code(database, staff, entity_id)
    attempt(database, claimant, entity_id, code)
    with pytest.raises(AccessCodeRefused):
        attempt(database, latecomer, entity_id, code)
    entries = claim_entries(database)
    assert [(entry[0], entry[1], entry[2]) for entry in entries] == [
        ("entity_claimed", "success", claimant.user_id),
        ("entity_claim", "failure", latecomer.user_id),
    ]
    assert entries[-1][5] == {"proof": "access_code", "reason": "not_claimable"}


# --- partner grants are announced ----------------------------------------------------------------------------


def test_granting_and_revoking_partner_access_queue_their_events_once(database):
    staff, partner = person(database, "clerk1", ("staff",)), person(database, "ftb1", ("partner",))
    today = datetime.now(UTC).date()
    ends = today + timedelta(days=90)
    grant = run(database, handlers.grant_partner_access, staff, partner.user_id, "1400001", today, ends)
    assert events_of(database, "partner_access_granted") == [
        {
            "grant_id": grant.id,
            "partner_id": partner.user_id,
            "entity_id": "1400001",
            "starts_on": today.isoformat(),
            "ends_on": ends.isoformat(),
            "granted_by": staff.user_id,
        }
    ]
    for _ in range(2):
        run(database, handlers.revoke_partner_access, staff, grant.id)
    assert events_of(database, "partner_access_revoked") == [
        {"grant_id": grant.id, "partner_id": partner.user_id, "entity_id": "1400001", "revoked_by": staff.user_id}
    ]


def test_a_grant_and_its_event_commit_or_roll_back_together(database):
    staff, partner = person(database, "clerk1", ("staff",)), person(database, "ftb1", ("partner",))
    today = datetime.now(UTC).date()
    with pytest.raises(RuntimeError), database.session() as session:
        handlers.grant_partner_access(session, staff, partner.user_id, "1400001", today, today)
        raise RuntimeError("the transaction fails after the event was queued")
    assert events_of(database, "partner_access_granted") == []
    assert run(database, handlers.partner_grants, staff, partner.user_id, 10) == []


def test_a_grant_that_has_not_started_is_not_in_the_claims_yet(database):
    staff, partner = person(database, "clerk1", ("staff",)), person(database, "ftb1", ("partner",))
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    run(database, handlers.grant_partner_access, staff, partner.user_id, "1400001", tomorrow, tomorrow)
    assert run(database, entity_claims, partner.user_id)["partner_grants"] == []
