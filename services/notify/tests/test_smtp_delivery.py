from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.testing import SmtpSink
from notify import handlers
from notify.domain.delivery import RetryPolicy
from notify.gateway import create_app
from notify.mail_transport import MailNotDelivered, OutgoingMail, SmtpTransport
from notify.models import Contact, Email

from .conftest import free_port

PORTAL = "https://cars.example"
MAIL_FROM = "CARS <no-reply@cars.example>"


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


def issued():
    return read_event(
        make_event(
            "correspondence",
            "correspondence_issued",
            {
                "correspondence_id": "corr-1",
                "number": "C-2026-000001",
                "kind": "annual_fee_notice",
                "title": "Annual Fee Notice 2026",
                "entity_id": None,
                "user_id": "user-1",
                "issued_at": datetime(2026, 3, 2, 17, 0, tzinfo=UTC),
            },
        )
    )


@pytest.fixture
def notice_for_user_1(database):
    registered = {"user_id": "user-1", "username": "jdoe", "email": "jdoe@example.org"}
    with database.session() as session:
        handlers.record_contact(session, read_event(make_event("accounts", "user_registered", registered)))
    with database.session() as session:
        handlers.notify_of_correspondence(session, issued(), portal_url=PORTAL)


def the_email(database):
    with database.session() as session:
        return session.scalars(select(Email)).one()


def test_mail_queued_while_the_server_is_down_arrives_once_it_is_back(database, notice_for_user_1):
    port = free_port()
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}", MAIL_FROM, timeout=5)
    start = datetime.now(UTC)
    assert handlers.deliver_due_emails(database, transport, now=start).retrying == 1

    sink = SmtpSink(port=port)
    sink.start()
    try:
        # The event is redelivered during the outage: still one e-mail.
        with database.session() as session:
            assert handlers.notify_of_correspondence(session, issued(), portal_url=PORTAL) == []
        assert handlers.deliver_due_emails(database, transport, now=start + timedelta(seconds=30)).sent == 0
        assert handlers.deliver_due_emails(database, transport, now=start + timedelta(minutes=1)).sent == 1
        assert handlers.deliver_due_emails(database, transport, now=start + timedelta(hours=3)).sent == 0
        assert [m["To"] for m in sink.messages] == ["jdoe@example.org"]
    finally:
        sink.stop()
    email = the_email(database)
    assert (email.status, email.attempts) == ("sent", 2)


def test_starttls_and_login_come_from_the_smtp_url(starttls_smtp):
    url, trusted, received = starttls_smtp
    mail = OutgoingMail("e-1", "jdoe@example.org", "Subject", "text", "<p>html</p>")
    SmtpTransport(url, MAIL_FROM, timeout=5, tls_context=trusted).send(mail)
    [(authenticated, encrypted, content)] = received
    assert (authenticated, encrypted) == (True, True)
    assert b"jdoe@example.org" in content


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(starttls_smtp):
    url, _, received = starttls_smtp
    mail = OutgoingMail("e-1", "jdoe@example.org", "Subject", "text", "<p>html</p>")
    with pytest.raises(MailNotDelivered, match="SSL"):
        SmtpTransport(url, MAIL_FROM, timeout=5).send(mail)
    assert received == []


def test_a_bad_recipient_address_fails_for_good_and_staff_see_why(
    database, notice_for_user_1, refusing_smtp, token_mint
):
    transport = SmtpTransport(refusing_smtp("550 5.1.1 No such mailbox"), MAIL_FROM)
    assert handlers.deliver_due_emails(database, transport).failed == 1
    client = create_app(database=database, verifier=token_mint.verifier).test_client()

    staff = client.get("/api/notify/staff/failed-emails", headers=token_mint.headers(user_id="s-1", roles=("staff",)))
    assert staff.status_code == 200
    [failed] = staff.json["emails"]
    assert (failed["recipient"], failed["user_id"], failed["attempts"]) == ("jdoe@example.org", "user-1", 1)
    assert "550" in failed["last_error"]

    filer = client.get("/api/notify/staff/failed-emails", headers=token_mint.headers(user_id="user-1"))
    assert filer.status_code == 403
    assert "jdoe@example.org" not in filer.get_data(as_text=True)


def test_a_refused_smtp_login_is_retried_with_backoff_and_the_mail_goes_once_the_login_is_fixed(
    database, notice_for_user_1, login_checking_smtp
):
    server, received = login_checking_smtp
    misconfigured = SmtpTransport(f"smtp://relay:wrong@{server}", MAIL_FROM, timeout=5)
    start = datetime.now(UTC)
    assert handlers.deliver_due_emails(database, misconfigured, now=start).retrying == 1
    email = the_email(database)
    # Not the recipient's fault: the e-mail waits for its next attempt and says why it is waiting.
    assert (email.status, email.attempts, email.next_attempt_at) == ("queued", 1, start + timedelta(minutes=1))
    assert "535" in email.last_error and "SMTP_URL" in email.last_error
    assert handlers.deliver_due_emails(database, misconfigured, now=start + timedelta(minutes=1)).retrying == 1
    assert the_email(database).next_attempt_at == start + timedelta(minutes=3)

    fixed = SmtpTransport(f"smtp://relay:s3cret@{server}", MAIL_FROM, timeout=5)
    assert handlers.deliver_due_emails(database, fixed, now=start + timedelta(minutes=2)).sent == 0
    assert handlers.deliver_due_emails(database, fixed, now=start + timedelta(minutes=3)).sent == 1
    assert received == [["jdoe@example.org"]]
    assert (the_email(database).status, the_email(database).attempts) == ("sent", 3)


def test_a_login_refused_until_the_attempts_run_out_is_listed_to_staff_with_the_servers_reply(
    database, notice_for_user_1, login_checking_smtp, token_mint
):
    server, received = login_checking_smtp
    misconfigured = SmtpTransport(f"smtp://relay:wrong@{server}", MAIL_FROM, timeout=5)
    policy = RetryPolicy(max_attempts=2)
    start = datetime.now(UTC)
    assert handlers.deliver_due_emails(database, misconfigured, now=start, policy=policy).retrying == 1
    later = start + timedelta(minutes=1)
    assert handlers.deliver_due_emails(database, misconfigured, now=later, policy=policy).failed == 1
    assert received == []

    client = create_app(database=database, verifier=token_mint.verifier).test_client()
    staff = client.get("/api/notify/staff/failed-emails", headers=token_mint.headers(user_id="s-1", roles=("staff",)))
    [failed] = staff.json["emails"]
    assert (failed["recipient"], failed["attempts"]) == ("jdoe@example.org", 2)
    assert "535" in failed["last_error"] and "refused CARS's login" in failed["last_error"]
    assert "wrong" not in failed["last_error"]
    with database.session() as session:
        contact = session.get(Contact, "user-1")
    assert contact.email == "jdoe@example.org"
