from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from notify import handlers, search_notices
from notify.domain.recipients import RecipientsNotKnownYet
from notify.models import DashboardNotice, Email

EXPORT_ID = "5f0c9a8e-2d4b-4c1e-9a3f-7b6d5e4c3b2a"
DOWNLOAD = f"https://cars.example/api/search/exports/{EXPORT_ID}/download"
SAVED_ID = "8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f"


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


def export_ready(user_id=None, email=None, rows=1250):
    payload = {
        "export_id": EXPORT_ID,
        "user_id": user_id,
        "email": email,
        "format": "csv",
        "rows": rows,
        "download_url": DOWNLOAD,
    }
    return read_event(make_event("search", "export_ready", payload))


def saved_search_matched(user_id="user-1", new_results=12):
    payload = {
        "saved_search_id": SAVED_ID,
        "user_id": user_id,
        "name": "Teachers in Sacramento",
        "new_results": new_results,
        "link": f"https://cars.example/api/search/saved-searches/{SAVED_ID}/results",
        "matched_at": datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
    }
    return read_event(make_event("search", "saved_search_matched", payload))


def handle(database, handler, event):
    with database.session() as session:
        handler(session, event)


def registered(database, user_id="user-1", email="one@example.org"):
    event = read_event(
        make_event("accounts", "user_registered", {"user_id": user_id, "username": "Pat", "email": email})
    )
    handle(database, handlers.record_contact, event)


def stored(database):
    with database.session() as session:
        notices = [(n.user_id, n.kind, n.title, n.link) for n in session.scalars(select(DashboardNotice))]
        emails = [(e.recipient, e.user_id, e.subject, e.text_body) for e in session.scalars(select(Email))]
    return notices, emails


def test_a_signed_in_requester_sees_a_notice_and_gets_the_link_at_the_address_given(database):
    registered(database)
    for _ in range(2):
        handle(database, search_notices.tell_of_export_ready, export_ready("user-1", "me@example.org"))
    notices, emails = stored(database)
    title = "Your search export is ready: 1,250 rows as CSV"
    assert notices == [("user-1", "search_export", title, DOWNLOAD)]
    [(recipient, user_id, subject, body)] = emails
    assert (recipient, user_id, subject) == ("me@example.org", "user-1", title)
    assert body.startswith("Hello Pat,") and DOWNLOAD in body


def test_a_signed_in_requester_without_an_address_gets_only_the_notice(database):
    handle(database, search_notices.tell_of_export_ready, export_ready("user-1", None, rows=1))
    notices, emails = stored(database)
    assert [notice[2] for notice in notices] == ["Your search export is ready: 1 row as CSV"]
    assert emails == []


def test_an_anonymous_requester_is_told_at_the_address_given(database):
    handle(database, search_notices.tell_of_export_ready, export_ready(None, "someone@example.org"))
    notices, emails = stored(database)
    assert notices == []
    [(recipient, user_id, _subject, body)] = emails
    assert (recipient, user_id) == ("someone@example.org", None)
    assert body.startswith("Hello,") and DOWNLOAD in body


def test_new_results_of_a_saved_search_reach_its_owner_once(database):
    registered(database)
    for _ in range(2):
        handle(database, search_notices.tell_of_saved_search_match, saved_search_matched())
    notices, emails = stored(database)
    title = '12 new results for your saved search "Teachers in Sacramento"'
    assert [(n[0], n[1], n[2]) for n in notices] == [("user-1", "saved_search", title)]
    [(recipient, _user_id, subject, body)] = emails
    assert (recipient, subject) == ("one@example.org", title)
    assert f"/api/search/saved-searches/{SAVED_ID}/results" in body


def test_an_owner_not_known_yet_is_retried_later(database):
    with pytest.raises(RecipientsNotKnownYet):
        handle(database, search_notices.tell_of_saved_search_match, saved_search_matched(user_id="user-9"))
    assert stored(database) == ([], [])
