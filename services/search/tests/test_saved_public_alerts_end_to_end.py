"""Public alerts of a shared saved search, end to end over the real broker: the search and notify workers run as
processes, their gateways answer the owner and the public, and e-mail arrives at a real SMTP server.

The owner shares a saved search; someone without an account subscribes by its share link, confirms by the link
e-mailed to them, gets an e-mail when a new matching filing is indexed and the daily public run finds it (once,
even when the event is delivered again), unsubscribes in one click and hears nothing of the next match.
"""

import copy
import os
import re
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import kombu
import pytest
from sqlalchemy import select

from cars_shared.bus import event_exchange
from cars_shared.events import make_event
from cars_shared.messaging_tables import inbox, outbox
from filings.examples import example
from search.embedded_index import EmbeddedIndex
from search.gateway import create_app as search_app
from search.models import SavedSearch
from search.saved import handlers

PORTAL = "https://cars.example"
ALERT_KEY = "alert-signing-key-of-the-end-to-end-test-" + "k" * 8
SACRAMENTO_GIVING = {
    "name": "Teachers giving in Sacramento",
    "query": {"kind": ["transaction"], "q": "Teachers Association", "city": ["Sacramento"]},
}


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    return None


@contextmanager
def worker(tmp_path, name, env):
    log_path = tmp_path / f"{name}-worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cars_shared.worker_main", f"{name}.worker:{name.capitalize()}Worker"],
            env=os.environ | env,
            stderr=log,
        )
    try:
        assert wait_for(lambda: "worker_started" in log_path.read_text()), log_path.read_text()
        yield log_path
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def system(tmp_path, amqp_vhost, migrated_database, smtp_sink, filings_api, token_mint, monkeypatch):
    """Both workers running; yields (search gateway client, notify gateway client, search db, notify db, index,
    filings record, notify worker log)."""
    from notify.gateway import create_app as notify_app

    search_db, notify_db = migrated_database("search"), migrated_database("notify")
    record, filings_url = filings_api
    index_path = tmp_path / "search-index.db"
    common = {"AMQP_URI": amqp_vhost, "PORTAL_URL": PORTAL, "VAR_DIR": str(tmp_path)}
    for name, value in {**common, "NOTIFY_ALERT_SIGNING_KEY": ALERT_KEY}.items():
        monkeypatch.setenv(name, value)
    index = EmbeddedIndex(index_path)
    with ExitStack() as running:
        running.enter_context(
            worker(
                tmp_path,
                "search",
                {
                    **common,
                    "SEARCH_DATABASE_URL": search_db.url,
                    "SEARCH_INDEX_PATH": str(index_path),
                    "FILINGS_PUBLIC_URL": filings_url,
                },
            )
        )
        notify_log = running.enter_context(
            worker(
                tmp_path,
                "notify",
                {
                    **common,
                    "NOTIFY_DATABASE_URL": notify_db.url,
                    "SMTP_URL": smtp_sink.url,
                    "MAIL_FROM": "CARS <no-reply@cars.example>",
                    "NOTIFY_ALERT_SIGNING_KEY": ALERT_KEY,
                },
            )
        )
        search = search_app(database=search_db, verifier=token_mint.verifier, index=index).test_client()
        notify = notify_app(database=notify_db, verifier=token_mint.verifier).test_client()
        yield search, notify, search_db, notify_db, index, record, notify_log


def publish(amqp_uri, envelope):
    exchange = event_exchange(envelope["producer"])
    with kombu.Connection(amqp_uri) as connection:
        connection.Producer(serializer="json").publish(
            envelope, exchange=exchange, routing_key=envelope["type"], declare=[exchange], delivery_mode=2
        )


def file_460(amqp_uri, record, filing_id, *, day):
    """Filings accepts a Form 460 whose contributions are dated `day` of July (one of them from the Sacramento
    Teachers Association PAC)."""
    document = copy.deepcopy(example("F460"))
    document["period"] = {"start": "2026-07-01", "end": "2026-12-31"}
    for number, line in enumerate(document["parts"]["schedule_a"], start=1):
        line["date"] = f"2026-07-{day:02d}"
        line["transaction_id"] = f"{filing_id[:4]}-{number}"
    record.entity()
    record.version(document, filing_id=filing_id)
    accepted = {
        "filing_id": filing_id,
        "entity_id": document["entity_id"],
        "entity_name": "Friends of Example",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": 0,
        "period_start": date(2026, 7, 1),
        "period_end": date(2026, 12, 31),
        "filed_at": datetime(2026, 7, day, 17, 0, tzinfo=UTC),
        "totals": {},
    }
    publish(amqp_uri, make_event("filings", "filing_accepted", accepted))


def public_run(search_db, index):
    """The daily public run of shared searches, at the hour it is next due."""
    with search_db.session() as session:
        due = session.scalar(select(SavedSearch.public_next_run_at))
    with search_db.session() as session:
        return [saved.id for saved in handlers.run_due_public_alerts(session, index, now=due, portal_url=PORTAL)]


def matches_announced(search_db):
    with search_db.session() as session:
        rows = session.execute(select(outbox.c.envelope).where(outbox.c.event_type == "shared_search_matched"))
        return [row.envelope for row in rows]


def handled_by_notify(notify_db, event_id):
    with notify_db.session() as session:
        return session.scalar(select(inbox.c.event_id).where(inbox.c.event_id == event_id)) is not None


def text_of(message):
    return message.get_payload(0).get_payload(decode=True).decode()


def gateway_path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_public_follows_a_shared_search_by_e_mail_until_it_unsubscribes(system, smtp_sink, amqp_vhost, token_mint):
    from notify.models import Email, SharedSearch

    search, notify, search_db, notify_db, index, record, notify_log = system
    owner = token_mint.headers(user_id="owner-1")

    # The owner saves a search and shares it; notify learns of the share from search's event.
    saved = search.post("/api/search/saved-searches", json=SACRAMENTO_GIVING, headers=owner).json
    share_url = search.put(f"/api/search/saved-searches/{saved['id']}/share", headers=owner).json["share_url"]

    def share_known():
        with notify_db.session() as session:
            return session.get(SharedSearch, saved["id"])

    assert wait_for(share_known)

    # Someone without an account subscribes by the share link and confirms by the link e-mailed to them.
    asked = notify.post(
        "/api/notify/alerts/subscriptions", json={"email": "reader@example.org", "shared_search": share_url}
    )
    assert asked.status_code == 202, asked.json
    confirmation = wait_for(lambda: next(iter(smtp_sink.messages), None))
    assert confirmation["Subject"] == 'Confirm your CARS alerts for the shared search "Teachers giving in Sacramento"'
    confirm_url = re.search(rf"{re.escape(PORTAL)}/api/notify/alerts/confirm\?\S+", text_of(confirmation))[0]
    confirmed = notify.get(gateway_path(confirm_url))
    assert (confirmed.status_code, confirmed.json["status"]) == (200, "confirmed")

    # A new matching filing is indexed by the search worker, and the daily public run finds it.
    file_460(amqp_vhost, record, "f1000000-0000-4000-8000-000000000001", day=15)
    assert wait_for(lambda: search.get(gateway_path(share_url)).json["count"] == 1)
    assert public_run(search_db, index) == [saved["id"]]

    alert = wait_for(lambda: next((m for m in smtp_sink.messages if "new result" in m["Subject"]), None))
    assert (alert["To"], alert["Subject"]) == (
        "reader@example.org",
        '1 new result for the shared search "Teachers giving in Sacramento"',
    )
    assert share_url in text_of(alert)
    assert f"/api/search/saved-searches/{saved['id']}" not in text_of(alert)  # never the owner's link
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(r"<(.+)>", alert["List-Unsubscribe"])[1]
    assert unsubscribe_url in text_of(alert)

    # The same match delivered again (as it was, and as a copy with a new event id) sends nothing more.
    [matched] = matches_announced(search_db)
    publish(amqp_vhost, matched)
    copy_of_match = {**matched, "event_id": str(uuid.uuid4())}
    publish(amqp_vhost, copy_of_match)
    assert wait_for(lambda: handled_by_notify(notify_db, copy_of_match["event_id"]))
    assert wait_for(
        lambda: any(
            "event_duplicate_ignored" in line and matched["event_id"] in line
            for line in notify_log.read_text().splitlines()
        )
    )
    with notify_db.session() as session:
        alerts = session.scalars(select(Email).where(Email.notice_key.like("shared_search:%"))).all()
    assert [(email.recipient, email.status) for email in alerts] == [("reader@example.org", "sent")]
    assert len(smtp_sink.messages) == 2

    # One click (what a mail client posts, RFC 8058) ends the subscription; the next match sends nothing.
    ended = notify.post(
        gateway_path(unsubscribe_url),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert (ended.status_code, ended.json) == (
        200,
        {"search_name": "Teachers giving in Sacramento", "status": "unsubscribed"},
    )
    file_460(amqp_vhost, record, "f2000000-0000-4000-8000-000000000002", day=20)
    assert wait_for(lambda: search.get(gateway_path(share_url)).json["count"] == 2)
    assert public_run(search_db, index) == [saved["id"]]
    latest = matches_announced(search_db)[-1]
    assert latest["payload"]["new_results"] == 1
    assert wait_for(lambda: handled_by_notify(notify_db, latest["event_id"]))
    with notify_db.session() as session:
        assert session.scalars(select(Email.notice_key).where(Email.notice_key.like("shared_search:%"))).all() == [
            alerts[0].notice_key
        ]
    assert len(smtp_sink.messages) == 2
