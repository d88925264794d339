"""Partner webhooks: feed partners only, https, signed deliveries in order, retries, dead letters, redelivery."""

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cars_shared.data_keys import new_data_key_text
from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.registry import load_all, payload_schema
from cars_shared.web.auth import sign_access_token
from notify.gateway import create_app
from notify.partners import keys
from notify.partners.handlers import forget_revoked_partner, record_public_events
from notify.partners.models import FeedEvent, PartnerWebhook
from notify.partners.webhook_rules import RetrySchedule, verify_signature
from notify.partners.webhooks import WebhookSender

WEBHOOKS = "/api/notify/partners/webhooks"
HOOK_URL = "https://hooks.partner.example/cars"
T0 = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def internal(producer, type_, **changes):
    example = load_all()[(producer, type_, 1)].example
    return make_event(producer, type_, payload_schema(producer, type_).load({**example, **changes}))


def record(database, *events):
    with database.session() as session:
        return record_public_events(session, [read_event(e) for e in events], "https://cars.example", T0)


@pytest.fixture
def database(migrated_sqlite, monkeypatch):
    monkeypatch.setenv("NOTIFY_DATA_KEY", new_data_key_text())
    return migrated_sqlite("notify")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def partner(token_mint, partner_id="fppc", roles=("feed_partner",), claim=True):
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id=f"partner:{partner_id}",
        username=partner_id,
        roles=roles,
        ttl_seconds=300,
        extra_claims={"feed_partner_id": partner_id} if claim else None,
    )
    return {"Authorization": f"Bearer {token}"}


class PartnerEndpoint:
    """The partner's receiving end: records what arrives, answering each event id with a chosen status."""

    def __init__(self):
        self.received = []
        self.failing = set()

    def __call__(self, url, body, headers):
        self.received.append((url, body, headers))
        return 500 if headers["Cars-Event-Id"] in self.failing else 204

    def events(self):
        return [json.loads(body) for _url, body, _headers in self.received]


def register(client, token_mint, types=("filing.accepted", "filing.amended"), partner_id="fppc"):
    answer = client.post(
        WEBHOOKS, json={"url": HOOK_URL, "event_types": list(types)}, headers=partner(token_mint, partner_id)
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_only_a_feed_partners_token_manages_webhooks(client, token_mint):
    body = {"url": HOOK_URL, "event_types": ["filing.accepted"]}
    assert client.post(WEBHOOKS, json=body).status_code == 401
    assert client.post(WEBHOOKS, json=body, headers=token_mint.headers()).status_code == 403
    assert client.post(WEBHOOKS, json=body, headers=partner(token_mint, claim=False)).status_code == 403
    assert client.get(WEBHOOKS, headers=partner(token_mint, roles=("filer",))).status_code == 403


@pytest.mark.parametrize(
    "url", ["http://hooks.partner.example/cars", "https://10.0.0.7/cars", "https://u:p@h.example/"]
)
def test_webhook_urls_are_https_to_public_hosts(client, token_mint, url):
    answer = client.post(WEBHOOKS, json={"url": url, "event_types": ["fine.assessed"]}, headers=partner(token_mint))
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["field"] == "url"


def test_the_signing_secret_is_shown_once_and_sealed_at_rest(client, token_mint, database):
    created = register(client, token_mint)
    assert created["signing_secret"].startswith("whsec_")
    listed = client.get(WEBHOOKS, headers=partner(token_mint)).get_json()["webhooks"]
    assert [w["id"] for w in listed] == [created["id"]] and "signing_secret" not in listed[0]
    with database.session() as session:
        sealed = session.scalar(select(PartnerWebhook.sealed_secret))
    assert sealed.startswith("sealed:v1:") and created["signing_secret"] not in sealed


def test_deliveries_are_signed_in_feed_order_with_only_the_chosen_types_from_registration_on(
    client, token_mint, database
):
    record(database, internal("filings", "filing_accepted", filing_id="before"))
    created = register(client, token_mint)
    record(
        database,
        internal("filings", "filing_accepted", filing_id="f-1"),
        internal("fees", "fine_assessed"),
        internal("filings", "filing_amended", filing_id="f-1"),
    )
    endpoint = PartnerEndpoint()
    assert WebhookSender(post=endpoint).deliver_due(database, T0) == 2
    assert [(e["type"], e["sequence"]) for e in endpoint.events()] == [("filing.accepted", 2), ("filing.amended", 4)]
    for url, body, headers in endpoint.received:
        assert url == HOOK_URL
        verify_signature(created["signing_secret"], body, headers["Cars-Signature"])
        assert headers["Cars-Event-Id"] == json.loads(body)["event_id"]
    assert WebhookSender(post=endpoint).deliver_due(database, T0) == 0


def test_a_failing_event_is_retried_with_backoff_then_dead_lettered_and_redelivered_on_request(
    client, token_mint, database
):
    created = register(client, token_mint)
    [first, second] = record(
        database,
        internal("filings", "filing_accepted", filing_id="f-1"),
        internal("filings", "filing_accepted", filing_id="f-2"),
    )
    endpoint = PartnerEndpoint()
    endpoint.failing.add(json.loads(_body_of(database, first))["event_id"])
    sender = WebhookSender(post=endpoint, schedule=RetrySchedule(max_attempts=3, first_backoff=timedelta(minutes=1)))

    assert sender.deliver_due(database, T0) == 0
    assert sender.deliver_due(database, T0 + timedelta(seconds=30)) == 0  # not yet due again
    assert len(endpoint.received) == 1
    webhook = client.get(WEBHOOKS, headers=partner(token_mint)).get_json()["webhooks"][0]
    assert webhook["last_error"] == "HTTP 500"
    assert sender.deliver_due(database, T0 + timedelta(minutes=1)) == 0
    # The third failure uses up the attempts: the event becomes a dead letter and the next one goes out.
    assert sender.deliver_due(database, T0 + timedelta(minutes=3)) == 1
    assert [e["sequence"] for e in endpoint.events()] == [first, first, first, second]

    letters_url = f"{WEBHOOKS}/{created['id']}/dead-letters"
    [letter] = client.get(letters_url, headers=partner(token_mint)).get_json()["dead_letters"]
    assert (letter["sequence"], letter["status"], letter["attempts"], letter["last_error"]) == (
        first,
        "dead",
        3,
        "HTTP 500",
    )

    endpoint.failing.clear()
    asked = client.post(f"{letters_url}/{letter['id']}/redelivery", headers=partner(token_mint))
    assert asked.status_code == 202 and asked.get_json()["status"] == "redelivery_requested"
    assert sender.deliver_due(database, T0 + timedelta(minutes=4)) == 1
    assert endpoint.events()[-1]["sequence"] == first
    [letter] = client.get(letters_url, headers=partner(token_mint)).get_json()["dead_letters"]
    assert letter["status"] == "redelivered" and letter["redelivered_at"] is not None


def test_a_partner_sees_and_changes_only_its_own_webhooks(client, token_mint):
    created = register(client, token_mint, partner_id="fppc")
    other = partner(token_mint, "newsroom")
    assert client.get(WEBHOOKS, headers=other).get_json() == {"webhooks": []}
    assert client.get(f"{WEBHOOKS}/{created['id']}/dead-letters", headers=other).status_code == 404
    assert client.delete(f"{WEBHOOKS}/{created['id']}", headers=other).status_code == 404
    assert client.delete(f"{WEBHOOKS}/{created['id']}", headers=partner(token_mint, "fppc")).status_code == 204
    assert client.get(WEBHOOKS, headers=partner(token_mint, "fppc")).get_json() == {"webhooks": []}


def test_a_revoked_partners_webhooks_are_removed(client, token_mint, database):
    register(client, token_mint, partner_id="fppc")
    kept = register(client, token_mint, partner_id="newsroom")
    revoked = make_event("accounts", "feed_partner_revoked", {"feed_partner_id": "fppc", "name": "FPPC"})
    with database.session() as session:
        assert forget_revoked_partner(session, read_event(revoked)) == 1
    with database.session() as session:
        assert session.scalars(select(PartnerWebhook.id)).all() == [kept["id"]]


def test_signing_secrets_reseal_with_a_new_data_key_and_deliveries_stay_verifiable(
    client, token_mint, database, monkeypatch, capsys
):
    created = register(client, token_mint)
    old_key = os.environ["NOTIFY_DATA_KEY"]
    monkeypatch.setenv("NOTIFY_DATA_KEY", f"{new_data_key_text()},{old_key}")
    monkeypatch.setenv("NOTIFY_DATABASE_URL", database.url)
    assert keys.main(["reseal"]) == 0
    assert "resealed 1 webhook signing secret" in capsys.readouterr().out
    monkeypatch.setenv("NOTIFY_DATA_KEY", os.environ["NOTIFY_DATA_KEY"].split(",")[0])
    record(database, internal("filings", "filing_accepted"))
    endpoint = PartnerEndpoint()
    assert WebhookSender(post=endpoint).deliver_due(database, T0) == 1
    [(_url, body, headers)] = endpoint.received
    verify_signature(created["signing_secret"], body, headers["Cars-Signature"])


def _body_of(database, sequence):
    with database.session() as session:
        return session.get(FeedEvent, sequence).body
