from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import outbox
from notify import handlers
from notify.domain.delivery import RetryPolicy
from notify.domain.recipients import RecipientsNotKnownYet
from notify.mail_transport import SmtpTransport
from notify.models import Contact, DashboardNotice, Email, Membership

PORTAL = "https://cars.example"
MAIL_FROM = "CARS <no-reply@cars.example>"


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


def event(producer, type_, payload):
    """An event as a consumer receives it: enveloped, checked and loaded by its contract."""
    return read_event(make_event(producer, type_, payload))


def registered(user_id, email):
    return event("accounts", "user_registered", {"user_id": user_id, "username": user_id, "email": email})


def linked(user_id, entity_id="1400001", role="officer"):
    return event("accounts", "entity_link_approved", {"user_id": user_id, "entity_id": entity_id, "role": role})


def issued(correspondence_id="corr-1", entity_id="1400001", user_id=None):
    return event(
        "correspondence",
        "correspondence_issued",
        {
            "correspondence_id": correspondence_id,
            "number": "C-2026-000001",
            "kind": "annual_fee_notice",
            "title": "Annual Fee Notice 2026",
            "entity_id": entity_id,
            "user_id": user_id,
            "issued_at": datetime(2026, 3, 2, 17, 0, tzinfo=UTC),
        },
    )


def handle(database, handler, *events, **options):
    for each in events:
        with database.session() as session:
            handler(session, each, **options)


@pytest.fixture
def entity_with_two_members(database):
    handle(database, handlers.record_contact, registered("user-1", "one@example.org"))
    handle(database, handlers.record_contact, registered("user-2", "two@example.org"))
    handle(database, handlers.record_membership, linked("user-1"), linked("user-2", role="agent"))


def count(database, table):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_registered_user_becomes_one_contact_with_the_newest_address(database):
    handle(database, handlers.record_contact, registered("user-1", "old@example.org"))
    handle(database, handlers.record_contact, registered("user-1", "new@example.org"))
    with database.session() as session:
        assert [(c.user_id, c.email) for c in session.scalars(select(Contact))] == [("user-1", "new@example.org")]


def test_approved_link_makes_one_membership(database):
    handle(database, handlers.record_membership, linked("user-1", role="viewer"), linked("user-1", role="officer"))
    with database.session() as session:
        assert [(m.user_id, m.entity_id, m.role) for m in session.scalars(select(Membership))] == [
            ("user-1", "1400001", "officer")
        ]


def test_notice_to_an_entity_gives_each_member_a_dashboard_notice_and_a_queued_email(database, entity_with_two_members):
    handle(database, handlers.notify_of_correspondence, issued(), portal_url=PORTAL)
    with database.session() as session:
        emails = session.scalars(select(Email).order_by(Email.user_id)).all()
        notices = session.scalars(select(DashboardNotice).order_by(DashboardNotice.user_id)).all()
    assert [(e.user_id, e.recipient, e.status, e.notice_key) for e in emails] == [
        ("user-1", "one@example.org", "queued", "corr-1"),
        ("user-2", "two@example.org", "queued", "corr-1"),
    ]
    assert all(f"{PORTAL}/api/correspondence/corr-1/pdf" in e.text_body for e in emails)
    assert [(n.user_id, n.title, n.read_at) for n in notices] == [
        ("user-1", "Annual Fee Notice 2026", None),
        ("user-2", "Annual Fee Notice 2026", None),
    ]


def test_the_same_notice_again_queues_nothing_new(database, entity_with_two_members):
    handle(database, handlers.notify_of_correspondence, issued(), issued(), portal_url=PORTAL)
    assert (count(database, Email), count(database, DashboardNotice)) == (2, 2)


def test_notice_to_a_user_reaches_that_user_only(database, entity_with_two_members):
    handle(database, handlers.notify_of_correspondence, issued(entity_id=None, user_id="user-2"), portal_url=PORTAL)
    with database.session() as session:
        assert session.scalars(select(Email.recipient)).all() == ["two@example.org"]


def test_notice_for_an_entity_without_known_members_raises_so_it_is_retried(database):
    with pytest.raises(RecipientsNotKnownYet):
        handle(database, handlers.notify_of_correspondence, issued(), portal_url=PORTAL)
    assert (count(database, Email), count(database, DashboardNotice)) == (0, 0)


def test_notice_for_a_member_whose_address_is_not_known_yet_raises(database):
    handle(database, handlers.record_contact, registered("user-1", "one@example.org"))
    handle(database, handlers.record_membership, linked("user-1"), linked("user-2"))
    with pytest.raises(RecipientsNotKnownYet, match="user-2"):
        handle(database, handlers.notify_of_correspondence, issued(), portal_url=PORTAL)
    assert (count(database, Email), count(database, DashboardNotice)) == (0, 0)


@pytest.fixture
def one_queued_email(database):
    handle(database, handlers.record_contact, registered("user-1", "one@example.org"))
    handle(database, handlers.notify_of_correspondence, issued(entity_id=None, user_id="user-1"), portal_url=PORTAL)


def the_email(database):
    with database.session() as session:
        return session.scalars(select(Email)).one()


def test_due_email_is_sent_with_text_and_html_parts_and_a_link_but_no_attachment(database, one_queued_email, smtp_sink):
    outcome = handlers.deliver_due_emails(database, SmtpTransport(smtp_sink.url, MAIL_FROM))
    assert (outcome.sent, outcome.retrying, outcome.failed) == (1, 0, 0)
    [message] = smtp_sink.messages
    assert (message["To"], message["Subject"]) == ("one@example.org", "A new notice is in your CARS account")
    parts = [part for part in message.walk() if not part.is_multipart()]
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    link = "https://cars.example/api/correspondence/corr-1/pdf"
    assert all(link in part.get_payload(decode=True).decode() for part in parts)
    assert not any(part.get_content_disposition() == "attachment" for part in message.walk())
    email = the_email(database)
    assert (email.status, email.attempts, email.sent_at is not None) == ("sent", 1, True)
    with database.session() as session:
        queued = session.execute(select(outbox.c.event_type, outbox.c.envelope)).all()
    assert [row.event_type for row in queued] == ["email_sent"]
    assert queued[0].envelope["payload"] == {"email_id": email.id, "user_id": "user-1", "subject": email.subject}


def test_sent_email_is_not_sent_again(database, one_queued_email, smtp_sink):
    transport = SmtpTransport(smtp_sink.url, MAIL_FROM)
    handlers.deliver_due_emails(database, transport)
    handlers.deliver_due_emails(database, transport, now=datetime.now(UTC) + timedelta(days=1))
    assert len(smtp_sink.messages) == 1


def test_email_claimed_for_sending_is_not_claimed_again(database, one_queued_email, smtp_sink):
    with database.session() as session:
        assert len(handlers.claim_due_emails(session, datetime.now(UTC))) == 1
    outcome = handlers.deliver_due_emails(database, SmtpTransport(smtp_sink.url, MAIL_FROM))
    assert (outcome.sent, smtp_sink.messages, the_email(database).status) == (0, [], "sending")


def test_unreachable_mail_server_schedules_retries_with_backoff_then_gives_up(
    database, one_queued_email, unreachable_smtp_url
):
    transport = SmtpTransport(unreachable_smtp_url, MAIL_FROM, timeout=5)
    policy = RetryPolicy(max_attempts=3, first_backoff=timedelta(minutes=1))
    start = datetime.now(UTC)

    assert handlers.deliver_due_emails(database, transport, now=start, policy=policy).retrying == 1
    email = the_email(database)
    assert (email.status, email.attempts, email.next_attempt_at) == ("queued", 1, start + timedelta(minutes=1))
    assert "ConnectionRefusedError" in email.last_error

    not_yet = handlers.deliver_due_emails(database, transport, now=start + timedelta(seconds=59), policy=policy)
    assert (not_yet.sent, not_yet.retrying, not_yet.failed) == (0, 0, 0)

    handlers.deliver_due_emails(database, transport, now=start + timedelta(minutes=1), policy=policy)
    email = the_email(database)
    assert (email.status, email.attempts, email.next_attempt_at) == ("queued", 2, start + timedelta(minutes=3))

    assert handlers.deliver_due_emails(database, transport, now=start + timedelta(minutes=3), policy=policy).failed == 1
    email = the_email(database)
    assert (email.status, email.attempts, email.sent_at) == ("failed", 3, None)
    assert "ConnectionRefusedError" in email.last_error
    assert count(database, outbox) == 0


def test_permanent_refusal_fails_at_once_keeping_the_reason(database, one_queued_email, refusing_smtp):
    transport = SmtpTransport(refusing_smtp("550 5.1.1 No such mailbox"), MAIL_FROM)
    assert handlers.deliver_due_emails(database, transport).failed == 1
    email = the_email(database)
    assert (email.status, email.attempts) == ("failed", 1)
    assert "550" in email.last_error


def link_event(type_, user_id="user-3", entity_id="1400001", role="agent", **extra):
    payload = {"link_id": "link-1", "user_id": user_id, "entity_id": entity_id, "role": role, **extra}
    return event("accounts", type_, payload)


def queued_to(database):
    with database.session() as session:
        return sorted(session.scalars(select(Email.recipient)))


def test_a_link_request_is_sent_to_each_officer_of_the_entity_once(database, entity_with_two_members):
    handle(database, handlers.record_contact, registered("user-3", "three@example.org"))
    request = link_event("entity_link_requested")
    handle(database, handlers.tell_officers_of_link_request, request, request)
    assert queued_to(database) == ["one@example.org"]  # user-2 is an agent, not an officer


def test_a_link_request_for_an_entity_without_officers_waits_for_staff_review(database):
    handle(database, handlers.tell_officers_of_link_request, link_event("entity_link_requested"))
    assert queued_to(database) == []


def test_a_revoked_link_tells_the_person_and_ends_their_notices(database, entity_with_two_members):
    handle(
        database,
        handlers.tell_of_link_outcome,
        link_event("entity_link_revoked", user_id="user-2", revoked_by="s"),
        outcome="revoked",
    )
    assert queued_to(database) == ["two@example.org"]
    with database.session() as session:
        assert session.get(Membership, ("user-2", "1400001")) is None
        assert session.get(Membership, ("user-1", "1400001")) is not None


def test_a_role_change_updates_the_membership_and_tells_the_person(database, entity_with_two_members):
    changed = link_event(
        "entity_link_role_changed", user_id="user-2", role="viewer", previous_role="agent", changed_by="s"
    )
    handle(database, handlers.tell_of_link_outcome, changed, outcome="role_changed")
    assert queued_to(database) == ["two@example.org"]
    with database.session() as session:
        assert session.get(Membership, ("user-2", "1400001")).role == "viewer"


def test_a_decision_for_someone_not_yet_known_here_raises_so_it_is_retried(database):
    denied = link_event("entity_link_denied", user_id="user-9", decided_by="s")
    with pytest.raises(RecipientsNotKnownYet):
        handle(database, handlers.tell_of_link_outcome, denied, outcome="denied")
