import os
import re
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from notify import handlers
from notify.alert_key import alert_signing_key
from notify.alerts import handlers as alerts
from notify.gateway import create_app
from notify.mail_transport import SmtpTransport
from notify.models import AlertSubscription

PORTAL = "https://cars.example"
MAIL_FROM = "CARS <no-reply@cars.example>"
SUBSCRIBE = "/api/notify/alerts/subscriptions"


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


@pytest.fixture
def client(database, token_mint, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_URL", PORTAL)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("NOTIFY_ALERT_SIGNING_KEY", "alert-signing-key-for-tests-" + "x" * 20)
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def deliver(database, smtp_sink):
    handlers.deliver_due_emails(database, SmtpTransport(smtp_sink.url, MAIL_FROM))
    return smtp_sink.messages


def text_of(message):
    return message.get_payload(0).get_payload(decode=True).decode()


def link_in(message, route):
    """The path and query of the link to `route` in the message's text part, as the gateway is called."""
    url = re.search(rf"{re.escape(PORTAL)}/api/notify/alerts/{route}\?\S+", text_of(message))[0]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def filing(type_="filing_accepted", amendment=0, filing_id="f-1"):
    payload = {
        "filing_id": filing_id,
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": amendment,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        "totals": {},
    }
    if type_ == "filing_amended":
        payload["previous_amendment"] = amendment - 1
    return read_event(make_event("filings", type_, payload))


def alert_of(database, event):
    with database.session() as session:
        return alerts.alert_subscribers_of_filing(session, event, portal_url=PORTAL, key=alert_signing_key())


@pytest.fixture
def confirmed_reader(client, database, smtp_sink):
    """reader@example.org asked for alerts of 1400001 and confirmed by the link e-mailed to them."""
    asked = client.post(SUBSCRIBE, json={"email": "Reader@Example.org", "entity_id": "1400001"})
    assert asked.status_code == 202
    [confirmation] = deliver(database, smtp_sink)
    assert (confirmation["To"], confirmation["Subject"]) == (
        "reader@example.org",
        "Confirm your CARS alerts for filer 1400001",
    )
    confirmed = client.get(link_in(confirmation, "confirm"))
    assert (confirmed.status_code, confirmed.json) == (200, {"entity_id": "1400001", "status": "confirmed"})
    smtp_sink.messages.clear()


def test_a_confirmed_subscriber_gets_each_accepted_filing_once_with_one_click_unsubscribe(
    client, database, smtp_sink, confirmed_reader
):
    assert len(alert_of(database, filing())) == 1
    assert alert_of(database, filing()) == []  # the event redelivered
    [alert] = deliver(database, smtp_sink)
    assert (alert["To"], alert["Subject"]) == ("reader@example.org", "Friends of Example filed F460")
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = link_in(alert, "unsubscribe")
    assert alert["List-Unsubscribe"] == f"<{PORTAL}{unsubscribe}>"
    assert f"{PORTAL}/api/filings/v1/filings/f-1" in text_of(alert)
    assert not any(part.get_content_disposition() == "attachment" for part in alert.walk())

    # What a mail client sends for one-click unsubscribe (RFC 8058).
    ended = client.post(
        unsubscribe, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert (ended.status_code, ended.json["status"]) == (200, "unsubscribed")
    assert alert_of(database, filing("filing_amended", amendment=1)) == []


def test_an_amendment_is_a_new_alert(client, database, smtp_sink, confirmed_reader):
    alert_of(database, filing())
    alert_of(database, filing("filing_amended", amendment=1))
    assert [m["Subject"] for m in deliver(database, smtp_sink)] == [
        "Friends of Example filed F460",
        "Friends of Example filed F460 amendment",
    ]


def test_an_unconfirmed_address_gets_no_alerts(client, database, smtp_sink):
    client.post(SUBSCRIBE, json={"email": "someone@example.org", "entity_id": "1400001"})
    assert alert_of(database, filing()) == []
    assert [m["Subject"] for m in deliver(database, smtp_sink)] == ["Confirm your CARS alerts for filer 1400001"]


def test_a_tampered_link_is_refused_naming_the_token(client, database, smtp_sink):
    client.post(SUBSCRIBE, json={"email": "someone@example.org", "entity_id": "1400001"})
    [confirmation] = deliver(database, smtp_sink)
    link = link_in(confirmation, "confirm")
    forged = re.sub(r"token=[^&]+", "token=" + "A" * 43, link)
    response = client.get(forged)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == ["token"]
    stretched = re.sub(r"expires=\d+", "expires=99999999999", link)
    assert client.get(stretched).status_code == 403
    with database.session() as session:
        assert session.scalars(select(AlertSubscription.status)).all() == ["pending"]


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(client, database, smtp_sink):
    client.post(SUBSCRIBE, json={"email": "someone@example.org", "entity_id": "1400001"})
    [confirmation] = deliver(database, smtp_sink)
    confirm = link_in(confirmation, "confirm")
    client.get(confirm)
    with database.session() as session:
        [subscription] = session.scalars(select(AlertSubscription)).all()
        subscription_id = subscription.id
    alert_of(database, filing())
    [_, alert] = deliver(database, smtp_sink)
    assert client.get(link_in(alert, "unsubscribe")).json["status"] == "unsubscribed"
    assert client.get(confirm).status_code == 403
    with database.session() as session:
        assert session.get(AlertSubscription, subscription_id).status == "unsubscribed"


def test_the_answer_is_the_same_whether_or_not_the_address_already_subscribed(client, confirmed_reader, database):
    again = client.post(SUBSCRIBE, json={"email": "reader@example.org", "entity_id": "1400001"})
    new = client.post(SUBSCRIBE, json={"email": "other@example.org", "entity_id": "1400001"})
    assert (again.status_code, again.json) == (new.status_code, new.json)


def test_one_mailbox_gets_few_confirmation_requests_a_day(client, database, smtp_sink):
    answers = [
        client.post(SUBSCRIBE, json={"email": "victim@example.org", "entity_id": f"140000{n}"}).status_code
        for n in range(5)
    ]
    assert answers == [202, 202, 202, 429, 429]
    refused = client.post(SUBSCRIBE, json={"email": "VICTIM@example.org", "entity_id": "1400009"})
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.mimetype == "application/problem+json"
    assert len(deliver(database, smtp_sink)) == 3


def test_a_malformed_address_is_a_422_naming_the_field(client):
    response = client.post(SUBSCRIBE, json={"email": "not an address", "entity_id": "1400001"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["email"]


def test_without_a_configured_key_one_is_created_under_var_dir_readable_by_its_owner_only(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("NOTIFY_ALERT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("NOTIFY_ALERT_SIGNING_KEY_FILE", raising=False)
    key = alert_signing_key()
    key_file = tmp_path / "notify-alert-signing-key"
    assert key_file.read_text().strip().encode() == key
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert alert_signing_key() == key


def test_the_subscription_date_is_recorded(client, database):
    client.post(SUBSCRIBE, json={"email": "someone@example.org", "entity_id": "1400001"})
    with database.session() as session:
        [subscription] = session.scalars(select(AlertSubscription)).all()
    assert subscription.created_at <= datetime.now(UTC)
