from datetime import date

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from accounts import handlers
from accounts.domain.password_hashing import recorded_parameters, verify_password
from accounts.domain.password_policy import PasswordRejected
from accounts.exceptions import InvalidCredentials, UnknownUser, UsernameTaken
from accounts.models import EntityLink, User
from accounts.signing_key import SigningKey
from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox

PASSWORD = "quiet river stone"


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


def sign_up(database, username="JDoe", password=PASSWORD):
    with database.session() as session:
        return handlers.register_user(session, username, "jdoe@example.org", password)


def registration(registered_by, entity_id="1400001"):
    return make_event(
        "filings",
        "entity_registered",
        {
            "entity_id": entity_id,
            "name": "Friends of Example",
            "entity_type": "recipient_committee",
            "registered_by": registered_by,
            "registered_on": date(2026, 3, 2),
            "filing_id": "filing-1",
        },
    )


def queued_events(database):
    with database.session() as session:
        return session.execute(select(outbox.c.event_type, outbox.c.envelope).order_by(outbox.c.id)).all()


def test_sign_up_saves_the_user_and_queues_user_registered(database):
    user = sign_up(database)
    with database.session() as session:
        saved = session.get(User, user.id)
    queued = queued_events(database)
    assert (saved.username, saved.username_key, saved.roles) == ("JDoe", "jdoe", ["filer"])
    assert verify_password(saved.password_hash, PASSWORD)
    assert [row.event_type for row in queued] == ["user_registered", "email_verification_requested"]
    assert queued[0].envelope["payload"] == {"user_id": user.id, "username": "JDoe", "email": "jdoe@example.org"}


def test_sign_up_and_its_event_commit_or_roll_back_together(database):
    with pytest.raises(RuntimeError), database.session() as session:
        handlers.register_user(session, "jdoe", "jdoe@example.org", PASSWORD)
        raise RuntimeError("the transaction fails after the event was queued")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
    assert queued_events(database) == []


def test_username_taken_in_another_letter_case_is_refused(database):
    sign_up(database, "JDoe")
    with pytest.raises(UsernameTaken):
        sign_up(database, "jdoe")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
    assert len(queued_events(database)) == 2


def test_password_breaking_the_policy_saves_nothing(database):
    with pytest.raises(PasswordRejected):
        sign_up(database, "jdoe", "password1234")
    assert queued_events(database) == []


def test_sign_in_issues_a_token_naming_the_user_and_its_entities(database):
    user = sign_up(database)
    with database.session() as session:
        handlers.link_registrant_to_entity(session, registration(user.id))
    key = SigningKey.generate()
    with database.session() as session:
        issued = handlers.sign_in(session, key, "jdoe", PASSWORD)
    principal = key.verifier().verify(issued.access_token)
    assert (principal.user_id, principal.username, principal.roles) == (user.id, "JDoe", ("filer",))
    assert principal.claims["entities"] == [{"entity_id": "1400001", "role": "officer"}]


def test_wrong_password_and_unknown_user_are_refused_alike(database):
    sign_up(database)
    with database.session() as session:
        with pytest.raises(InvalidCredentials):
            handlers.authenticate(session, "jdoe", "quiet river stones")
        with pytest.raises(InvalidCredentials):
            handlers.authenticate(session, "nobody", PASSWORD)
        with pytest.raises(InvalidCredentials):
            handlers.authenticate(session, "no\x00body", PASSWORD)


def test_sign_in_rehashes_a_password_hashed_with_older_parameters(database):
    user = sign_up(database)
    old_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with database.session() as session:
        session.get(User, user.id).password_hash = old_hash
    with database.session() as session:
        handlers.authenticate(session, "jdoe", PASSWORD)
    with database.session() as session:
        new_hash = session.get(User, user.id).password_hash
    assert new_hash != old_hash
    assert f"m={recorded_parameters()['memory_cost']}" in new_hash
    assert verify_password(new_hash, PASSWORD)


def test_registrant_becomes_approved_officer_of_the_entity(database):
    user = sign_up(database)
    with database.session() as session:
        handlers.link_registrant_to_entity(session, registration(user.id))
    with database.session() as session:
        link = session.scalar(select(EntityLink))
    queued = queued_events(database)
    assert (link.user_id, link.entity_id, link.role, link.status) == (user.id, "1400001", "officer", "approved")
    assert [row.event_type for row in queued] == [
        "user_registered",
        "email_verification_requested",
        "entity_link_approved",
    ]
    assert queued[2].envelope["payload"] == {
        "user_id": user.id,
        "entity_id": "1400001",
        "role": "officer",
        "link_id": link.id,
        "approval": "registration",
        "approved_by": user.id,
    }


def test_linking_the_same_registrant_twice_links_and_publishes_once(database):
    user = sign_up(database)
    for _ in range(2):
        with database.session() as session:
            handlers.link_registrant_to_entity(session, registration(user.id))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(EntityLink)) == 1
    assert [row.event_type for row in queued_events(database)].count("entity_link_approved") == 1


def test_registration_by_an_unknown_user_is_refused_so_the_event_is_parked(database):
    with pytest.raises(UnknownUser), database.session() as session:
        handlers.link_registrant_to_entity(session, registration("no-such-user"))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(EntityLink)) == 0


def test_profile_lists_roles_and_approved_entities(database):
    user = sign_up(database)
    for entity_id in ("1400002", "1400001"):
        with database.session() as session:
            handlers.link_registrant_to_entity(session, registration(user.id, entity_id))
    with database.session() as session:
        profile = handlers.profile(session, user.id)
    assert profile["roles"] == ["filer"]
    assert profile["entities"] == [
        {"entity_id": "1400001", "role": "officer"},
        {"entity_id": "1400002", "role": "officer"},
    ]
