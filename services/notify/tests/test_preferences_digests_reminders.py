from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from notify import handlers
from notify.domain.preferences import DAILY_DIGEST, Preference
from notify.mail_transport import SmtpTransport
from notify.models import DashboardNotice, DigestEntry, Email

PORTAL = "https://cars.example"
MAIL_FROM = "CARS <no-reply@cars.example>"
DIGEST_TIME = datetime(2026, 3, 2, 15, 1, tzinfo=UTC)


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


def event(producer, type_, payload):
    return read_event(make_event(producer, type_, payload))


def handle(database, handler, *events, **options):
    for each in events:
        with database.session() as session:
            handler(session, each, **options)


def issued(correspondence_id, title="Annual Fee Notice 2026"):
    return event(
        "correspondence",
        "correspondence_issued",
        {
            "correspondence_id": correspondence_id,
            "number": f"C-2026-{correspondence_id}",
            "kind": "annual_fee_notice",
            "title": title,
            "entity_id": "1400001",
            "user_id": None,
            "issued_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        },
    )


def reminder(item_id="item-1", days_before=7):
    return event(
        "fees",
        "payment_reminder_due",
        {
            "item_id": item_id,
            "entity_id": "1400001",
            "entity_name": "Friends of Example",
            "kind": "annual_fee",
            "description": "Annual fee 2027",
            "open_cents": 5000,
            "due_date": date(2027, 1, 15),
            "days_before": days_before,
        },
    )


@pytest.fixture
def officer_and_agent(database):
    for user_id in ("user-1", "user-2"):
        registered = {"user_id": user_id, "username": user_id, "email": f"{user_id}@example.org"}
        handle(database, handlers.record_contact, event("accounts", "user_registered", registered))
    for user_id, role in (("user-1", "officer"), ("user-2", "agent")):
        link = {"user_id": user_id, "entity_id": "1400001", "role": role}
        handle(database, handlers.record_membership, event("accounts", "entity_link_approved", link))


def prefer(database, user_id, kinds=("correspondence", "payment_reminder"), delivery="immediate"):
    with database.session() as session:
        handlers.set_preference(session, user_id, Preference(email_kinds=frozenset(kinds), delivery=delivery))


def emails(database):
    with database.session() as session:
        return [(e.user_id, e.subject) for e in session.scalars(select(Email).order_by(Email.user_id, Email.subject))]


def notices(database, user_id):
    with database.session() as session:
        return session.scalars(select(DashboardNotice.title).where(DashboardNotice.user_id == user_id)).all()


def test_a_person_who_wants_no_correspondence_by_email_still_sees_it_on_the_dashboard(database, officer_and_agent):
    prefer(database, "user-2", kinds=("payment_reminder",))
    handle(database, handlers.notify_of_correspondence, issued("c-1"), portal_url=PORTAL)
    assert emails(database) == [("user-1", "A new notice is in your CARS account")]
    assert notices(database, "user-2") == ["Annual Fee Notice 2026"]


def test_preferences_default_to_every_kind_at_once_and_keep_what_was_chosen(database):
    with database.session() as session:
        assert handlers.preference_of(session, "user-1") == Preference()
    prefer(database, "user-1", kinds=("correspondence",), delivery=DAILY_DIGEST)
    with database.session() as session:
        assert handlers.preference_of(session, "user-1") == Preference(frozenset({"correspondence"}), DAILY_DIGEST)


def test_a_digest_reader_gets_one_email_a_day_listing_every_notice_held(database, officer_and_agent, smtp_sink):
    prefer(database, "user-2", delivery=DAILY_DIGEST)
    handle(database, handlers.notify_of_correspondence, issued("c-1"), issued("c-1"), portal_url=PORTAL)
    handle(database, handlers.notify_of_correspondence, issued("c-2", title="Penalty Notice"), portal_url=PORTAL)
    handle(database, handlers.remind_of_payment, reminder(), portal_url=PORTAL)
    assert [user for user, _ in emails(database)] == ["user-1", "user-1", "user-1"]

    with database.session() as session:
        assert handlers.queue_due_digests(session, DIGEST_TIME.replace(hour=14)) == []
    with database.session() as session:
        assert len(handlers.queue_due_digests(session, DIGEST_TIME)) == 1
    with database.session() as session:
        assert handlers.queue_due_digests(session, DIGEST_TIME.replace(hour=20)) == []

    handlers.deliver_due_emails(database, SmtpTransport(smtp_sink.url, MAIL_FROM))
    [digest] = [m for m in smtp_sink.messages if m["To"] == "user-2@example.org"]
    assert digest["Subject"] == "Your CARS digest for March 2, 2026: 3 new notices"
    text = digest.get_payload(0).get_payload(decode=True).decode()
    assert text.count(f"{PORTAL}/api/correspondence/c-1/pdf") == 1
    assert "Penalty Notice" in text
    assert f"{PORTAL}/api/fees/v1/entities/1400001/statement" in text
    assert [part.get_content_type() for part in digest.get_payload()] == ["text/plain", "text/html"]


def test_notices_told_again_after_their_digest_are_not_held_again(database, officer_and_agent):
    prefer(database, "user-2", delivery=DAILY_DIGEST)
    handle(database, handlers.notify_of_correspondence, issued("c-1"), portal_url=PORTAL)
    with database.session() as session:
        handlers.queue_due_digests(session, DIGEST_TIME)
    handle(database, handlers.notify_of_correspondence, issued("c-1"), portal_url=PORTAL)
    with database.session() as session:
        pending = session.scalars(select(DigestEntry).where(DigestEntry.email_id.is_(None))).all()
        assert handlers.queue_due_digests(session, DIGEST_TIME.replace(day=3)) == []
    assert pending == []


def test_a_payment_reminder_tells_each_linked_person_once_with_a_link_to_the_statement(database, officer_and_agent):
    handle(database, handlers.remind_of_payment, reminder(), reminder(), portal_url=PORTAL)
    with database.session() as session:
        sent = session.scalars(select(Email).order_by(Email.user_id)).all()
    assert [(e.recipient, e.subject) for e in sent] == [
        ("user-1@example.org", "Payment due January 15, 2027 for Friends of Example"),
        ("user-2@example.org", "Payment due January 15, 2027 for Friends of Example"),
    ]
    assert all("$50.00 of it is still unpaid" in e.text_body for e in sent)
    assert all(f"{PORTAL}/api/fees/v1/entities/1400001/statement" in e.html_body for e in sent)
    assert notices(database, "user-1") == ["Annual fee 2027 for Friends of Example is due January 15, 2027"]


def test_each_reminder_day_is_a_reminder_of_its_own(database, officer_and_agent):
    handle(database, handlers.remind_of_payment, reminder(days_before=7), reminder(days_before=1), portal_url=PORTAL)
    assert len(notices(database, "user-1")) == 2


def test_a_reminder_for_an_entity_nobody_is_linked_to_tells_no_one(database):
    handle(database, handlers.remind_of_payment, reminder(), portal_url=PORTAL)
    assert emails(database) == []


def test_a_reminder_left_out_of_a_persons_email_kinds_stays_on_the_dashboard(database, officer_and_agent):
    prefer(database, "user-1", kinds=("correspondence",))
    handle(database, handlers.remind_of_payment, reminder(), portal_url=PORTAL)
    assert [user for user, _ in emails(database)] == ["user-2"]
    assert len(notices(database, "user-1")) == 1
