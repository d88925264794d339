"""Feed partners over the real broker: staff provision broker users confined to their own queues, rotate, revoke."""

import json
import sqlite3
import time
import uuid
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import amqp
import kombu
import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from accounts.audit.log import chain_entry
from accounts.audit.models import AuditChainHead, AuditEntry
from accounts.domain.audit_chain import verify_chain
from accounts.feed_partners import handlers
from accounts.feed_partners.broker import BrokerAccounts, BrokerSettings, BrokerUnavailable
from accounts.feed_partners.models import FeedPartner, FeedPartnerCredential
from accounts.gateway import create_app
from accounts.signing_key import SigningKey
from cars_shared.db import Database
from cars_shared.messaging_tables import outbox
from cars_shared.migrate import upgrade
from cars_shared.testing import RABBITMQ_MANAGEMENT_URL, migrations_of
from cars_shared.web.auth import TokenVerifier, sign_access_token

API = "/api/accounts/v1"
BROKER_VARIABLES = ("RABBITMQ_MANAGEMENT_USER", "RABBITMQ_MANAGEMENT_PASSWORD", "PARTNER_AMQP_URL")


def management():
    """The management API's base URL and credentials, as the test fixtures use them."""
    parts = urlsplit(RABBITMQ_MANAGEMENT_URL)
    base = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
    return base.rstrip("/") + "/api", (parts.username or "guest", parts.password or "guest")


def broker_user_exists(username):
    base, auth = management()
    return requests.get(f"{base}/users/{quote(username, safe='')}", auth=auth, timeout=10).status_code == 200


@pytest.fixture
def vhost_uri(amqp_vhost, monkeypatch):
    """A fresh vhost that partners use; accounts reaches the management API the way the test fixtures do."""
    monkeypatch.setenv("AMQP_URI", amqp_vhost)
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_URL", RABBITMQ_MANAGEMENT_URL)
    monkeypatch.setenv("PARTNER_AMQP_VHOST", unquote(urlsplit(amqp_vhost).path[1:]))
    for name in BROKER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return amqp_vhost


@pytest.fixture
def slugs():
    """Unique partner slugs (broker users are not per vhost); their users are deleted afterwards."""
    made = []

    def new(label="p"):
        made.append(f"{label}-{uuid.uuid4().hex[:10]}")
        return made[-1]

    yield new
    base, auth = management()
    for slug in made:
        requests.delete(f"{base}/users/partner-{slug}", auth=auth, timeout=10)


@pytest.fixture(scope="module")
def accounts_key():
    return SigningKey.generate()


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
    """The accounts schema migrated once per module; each test gets a copy (migrating takes a second or two)."""
    path = tmp_path_factory.mktemp("accounts-template") / "accounts.db"
    upgrade(migrations_of("accounts"), f"sqlite:///{path}")
    return path


@pytest.fixture
def database(migrated_template, tmp_path):
    path = tmp_path / "accounts.db"
    with sqlite3.connect(migrated_template) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def app(migrated_template, token_mint, accounts_key):
    """One gateway per module (building one takes a quarter of a second); each test points it at its database."""
    verifier = TokenVerifier(
        keys={token_mint.kid: token_mint.private_key.public_key(), accounts_key.kid: accounts_key.public_key}
    )
    return create_app(database=Database(f"sqlite:///{migrated_template}"), signing_key=accounts_key, verifier=verifier)


@pytest.fixture
def client(app, database):
    app.extensions["cars.database"] = database
    return app.test_client()


@pytest.fixture
def headers(token_mint):
    def make(user_id="staff-1", roles=("staff",), mfa=True, **claims):
        token = sign_access_token(
            token_mint.private_key,
            token_mint.kid,
            user_id=user_id,
            username=user_id,
            roles=roles,
            ttl_seconds=300,
            extra_claims={"mfa": mfa, **claims},
        )
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def staff(headers):
    return headers()


def create(client, staff, slug, name=None):
    response = client.post(
        f"{API}/feed-partners",
        json={"name": name or f"Partner {slug}", "contact_email": "feeds@example.org", "slug": slug},
        headers=staff,
    )
    assert response.status_code == 201, response.json
    return response.json


def connect(amqp, password=None):
    """A partner's own kombu connection, made from the URL and credentials it was given."""
    parts = urlsplit(amqp["url"])
    netloc = f"{quote(amqp['username'], safe='')}:{quote(password or amqp['password'], safe='')}@{parts.netloc}"
    connection = kombu.Connection(urlunsplit(parts._replace(netloc=netloc)), connect_timeout=5)
    connection.connect()
    return connection


def refused(action):
    """Run a broker action expected to fail; answers the error text."""
    with pytest.raises(Exception) as caught:  # noqa: PT011 - py-amqp and kombu wrap refusals differently
        action()
    return str(caught.value)


def own_queue(connection, amqp, name="q"):
    queue = amqp["queue_prefix"] + name
    channel = connection.channel()
    # Partners may not configure the exchange, only check that it is there.
    channel.exchange_declare(amqp["exchange"], "topic", passive=True)
    channel.queue_declare(queue=queue, durable=True, auto_delete=False)
    channel.queue_bind(queue=queue, exchange=amqp["exchange"], routing_key="#")
    return queue, channel


def receive(channel, queue, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = channel.basic_get(queue=queue, no_ack=True)
        if message is not None:
            return message
        time.sleep(0.02)
    return None


def publish_public(vhost_uri, body, routing_key="filing.accepted"):
    with kombu.Connection(vhost_uri) as connection:
        exchange = kombu.Exchange("cars.public", type="topic", durable=True)
        connection.Producer().publish(body, exchange=exchange, routing_key=routing_key, declare=[exchange])


def publish_as_partner(connection):
    """Publish on cars.public; the broker refuses by closing the channel, seen at the next (permitted) call."""
    channel = connection.channel()
    channel.basic_publish(amqp.Message(b"forged"), exchange="cars.public", routing_key="filing.accepted")
    channel.exchange_declare("cars.public", "topic", passive=True)


def audit_actions(database):
    with database.session() as session:
        return [
            (entry.action, entry.outcome, entry.target)
            for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))
        ]


def events_of(database, event_type):
    with database.session() as session:
        rows = session.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type)).scalars().all()
    return [row["payload"] for row in rows]


def field_names(response):
    return {error["field"] for error in response.json.get("errors", [])}


def test_a_provisioned_partner_binds_its_own_queue_and_receives_public_events(
    client, database, staff, vhost_uri, slugs
):
    slug = slugs()
    body = create(client, staff, slug, name="Sacramento Daily Ledger")
    partner, amqp, credential = body["feed_partner"], body["amqp"], body["credential"]
    assert partner["status"] == "active" and partner["broker_user"] == f"partner-{slug}"
    assert amqp["username"] == f"partner-{slug}" and amqp["exchange"] == "cars.public"
    assert amqp["queue_prefix"] == f"partner-{slug}."
    assert amqp["permissions"]["read"] == rf"^(partner-{slug}\..*|cars\.public)$"
    with connect(amqp) as connection:
        queue, channel = own_queue(connection, amqp)
        publish_public(vhost_uri, {"type": "filing.accepted", "event_id": "e-1"})
        message = receive(channel, queue)
    assert message is not None and json.loads(message.body)["event_id"] == "e-1"
    with database.session() as session:
        stored = session.scalar(
            select(FeedPartnerCredential).where(FeedPartnerCredential.key_id == credential["key_id"])
        )
        assert credential["secret"] not in (stored.secret_hash, stored.secret_salt)
        assert amqp["password"] not in str(session.get(FeedPartner, partner["feed_partner_id"]).__dict__)
    [created] = events_of(database, "feed_partner_created")
    assert created == {"feed_partner_id": partner["feed_partner_id"], "name": "Sacramento Daily Ledger"}


def test_a_partner_cannot_read_another_partners_queue_an_internal_exchange_or_a_queue_outside_its_prefix(
    client, staff, vhost_uri, slugs
):
    mine, theirs = create(client, staff, slugs("a"))["amqp"], create(client, staff, slugs("b"))["amqp"]
    with kombu.Connection(vhost_uri) as admin:
        admin.default_channel.exchange_declare("filings.events", "topic", durable=True, auto_delete=False)
    with connect(theirs) as other, connect(mine) as connection:
        their_queue, _ = own_queue(other, theirs)
        my_queue, _ = own_queue(connection, mine)
        attempts = {
            "consume theirs": lambda: connection.channel().basic_get(queue=their_queue),
            "bind theirs": lambda: connection.channel().queue_bind(their_queue, "cars.public", "#"),
            "bind internal": lambda: connection.channel().queue_bind(my_queue, "filings.events", "#"),
            "declare outside": lambda: connection.channel().queue_declare(queue="filings-snoop", durable=True),
            "declare exchange": lambda: connection.channel().exchange_declare("partner-x", "topic"),
            "configure public": lambda: connection.channel().exchange_declare("cars.public", "topic", durable=True),
            "publish public": lambda: publish_as_partner(connection),
        }
        for label, attempt in attempts.items():
            assert "ACCESS_REFUSED" in refused(attempt), label


def test_rotating_the_amqp_password_stops_the_old_one_and_closes_its_connections(
    client, database, staff, vhost_uri, slugs
):
    body = create(client, staff, slugs())
    partner_id, old = body["feed_partner"]["feed_partner_id"], body["amqp"]
    connection = connect(old)
    channel = connection.channel()
    response = client.post(f"{API}/feed-partners/{partner_id}/amqp-password", headers=staff)
    assert response.status_code == 200, response.json
    new = response.json["amqp"]
    assert new["password"] != old["password"]
    assert response.json["feed_partner"]["amqp_password_rotated_at"] is not None
    assert "ACCESS_REFUSED" in refused(lambda: connect(old))
    assert refused(lambda: channel.queue_declare(queue=old["queue_prefix"] + "q", durable=True))
    connection.release()
    with connect(new) as fresh:
        own_queue(fresh, new)
    assert ("feed_partner.rotate_amqp_password", "success", f"feed_partner:{partner_id}") in audit_actions(database)


def test_revoking_deletes_the_broker_user_and_its_queues_and_stops_its_api_keys(
    client, database, staff, vhost_uri, slugs
):
    slug = slugs()
    body = create(client, staff, slug, name="Civic Data Group")
    partner_id, amqp, credential = body["feed_partner"]["feed_partner_id"], body["amqp"], body["credential"]
    with connect(amqp) as connection:
        own_queue(connection, amqp)
    response = client.delete(f"{API}/feed-partners/{partner_id}", headers=staff)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "revoked" and response.json["revoked_by"] == "staff-1"
    assert "ACCESS_REFUSED" in refused(lambda: connect(amqp))
    assert not broker_user_exists(f"partner-{slug}")
    base, auth = management()
    vhost = quote(unquote(urlsplit(vhost_uri).path[1:]), safe="")
    assert requests.get(f"{base}/queues/{vhost}/partner-{slug}.q", auth=auth, timeout=10).status_code == 404
    token = client.post(f"{API}/partner-tokens", json={"key_id": credential["key_id"], "secret": credential["secret"]})
    assert token.status_code == 401
    again = client.delete(f"{API}/feed-partners/{partner_id}", headers=staff)
    assert again.status_code == 200 and again.json["revoked_at"] == response.json["revoked_at"]
    assert client.post(f"{API}/feed-partners/{partner_id}/amqp-password", headers=staff).status_code == 409
    [revoked] = events_of(database, "feed_partner_revoked")
    assert revoked == {"feed_partner_id": partner_id, "name": "Civic Data Group"}


def test_the_partner_token_carries_the_feed_partner_role_and_id(
    client, database, staff, vhost_uri, slugs, accounts_key
):
    body = create(client, staff, slugs())
    partner_id, credential = body["feed_partner"]["feed_partner_id"], body["credential"]
    response = client.post(
        f"{API}/partner-tokens", json={"key_id": credential["key_id"], "secret": credential["secret"]}
    )
    assert response.status_code == 200, response.json
    assert response.json["token_type"] == "Bearer" and 0 < response.json["expires_in"] <= 300
    principal = accounts_key.verifier().verify(response.json["access_token"])
    assert principal.roles == ("feed_partner",)
    assert principal.claims["feed_partner_id"] == partner_id
    assert principal.user_id == f"feed_partner:{partner_id}"
    assert principal.claims["exp"] - principal.claims["iat"] <= 300
    wrong = client.post(f"{API}/partner-tokens", json={"key_id": credential["key_id"], "secret": "fps_wrong"})
    unknown = client.post(f"{API}/partner-tokens", json={"key_id": "fpk_" + "0" * 20, "secret": "fps_wrong"})
    assert wrong.status_code == unknown.status_code == 401
    assert field_names(wrong) == field_names(unknown) == {"secret"}
    partner_headers = {"Authorization": f"Bearer {response.json['access_token']}"}
    assert client.get(f"{API}/feed-partners", headers=partner_headers).status_code == 403


def test_staff_issue_rotate_and_revoke_api_keys_and_every_action_is_audited(client, database, staff, vhost_uri, slugs):
    body = create(client, staff, slugs())
    partner_id, first = body["feed_partner"]["feed_partner_id"], body["credential"]
    keys = f"{API}/feed-partners/{partner_id}/credentials"

    def exchange(key):
        return client.post(f"{API}/partner-tokens", json={"key_id": key["key_id"], "secret": key["secret"]}).status_code

    second = client.post(keys, headers=staff).json
    assert exchange(second) == 200
    rotated = client.post(f"{keys}/{first['key_id']}/rotation", json={"immediately": True}, headers=staff)
    assert rotated.status_code == 200 and rotated.json["key_id"] == first["key_id"]
    assert exchange(first) == 401 and exchange(rotated.json) == 200
    assert client.delete(f"{keys}/{second['key_id']}", headers=staff).status_code == 204
    assert exchange(second) == 401
    assert client.delete(f"{keys}/{second['key_id']}", headers=staff).status_code == 404
    listed = client.get(keys, headers=staff).json["credentials"]
    assert {item["key_id"]: item["status"] for item in listed} == {
        first["key_id"]: "active",
        second["key_id"]: "revoked",
    }
    assert all("secret" not in item for item in listed)
    client.post(f"{API}/feed-partners/{partner_id}/amqp-password", headers=staff)
    client.delete(f"{API}/feed-partners/{partner_id}", headers=staff)
    target = f"feed_partner:{partner_id}"
    assert [action for action in audit_actions(database) if action[2] == target] == [
        (action, "success", target)
        for action in (
            "feed_partner.create",
            "feed_partner.issue_key",
            "feed_partner.rotate_key",
            "feed_partner.revoke_key",
            "feed_partner.rotate_amqp_password",
            "feed_partner.revoke",
        )
    ]
    with database.session() as session:
        entries = [chain_entry(entry) for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))]
        assert verify_chain(entries, session.get(AuditChainHead, 1).last_hash).intact


def test_staff_list_and_read_partners(client, staff, vhost_uri, slugs):
    first = create(client, staff, slugs())["feed_partner"]
    second = create(client, staff, slugs())["feed_partner"]
    listed = client.get(f"{API}/feed-partners", headers=staff).json["feed_partners"]
    assert [item["feed_partner_id"] for item in listed] == [first["feed_partner_id"], second["feed_partner_id"]]
    assert client.get(f"{API}/feed-partners/{first['feed_partner_id']}", headers=staff).json == first
    assert client.get(f"{API}/feed-partners/{uuid.uuid4()}", headers=staff).status_code == 404


def test_a_taken_slug_is_a_409_naming_slug_even_after_revocation(client, staff, vhost_uri, slugs):
    slug = slugs()
    partner_id = create(client, staff, slug)["feed_partner"]["feed_partner_id"]
    client.delete(f"{API}/feed-partners/{partner_id}", headers=staff)
    again = client.post(
        f"{API}/feed-partners", json={"name": "Again", "contact_email": "a@example.org", "slug": slug}, headers=staff
    )
    assert again.status_code == 409
    assert field_names(again) == {"slug"}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ({"roles": ("filer",)}, 403),
        ({"roles": ("staff",), "mfa": False}, 403),
        ({"roles": ("feed_partner",)}, 403),
        ({"roles": ("administrator",)}, 201),
    ],
)
def test_only_staff_and_administrators_with_mfa_manage_feed_partners(
    client, database, headers, vhost_uri, slugs, who, status
):
    body = {"name": "Newsroom", "contact_email": "desk@example.org", "slug": slugs()}
    response = client.post(f"{API}/feed-partners", json=body, headers=headers(**who))
    assert response.status_code == status
    assert client.get(f"{API}/feed-partners", headers=headers(**who)).status_code == (200 if status == 201 else 403)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FeedPartner)) == (1 if status == 201 else 0)


def test_feed_partner_routes_need_a_token(client):
    assert client.get(f"{API}/feed-partners").status_code == 401
    assert client.post(f"{API}/feed-partners", json={}).status_code == 401


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"contact_email": "a@example.org"}, {"name"}),
        ({"name": "FPPC", "contact_email": "not-an-address"}, {"contact_email"}),
        ({"name": "   ", "contact_email": "a@example.org"}, {"name"}),
        ({"name": "FPPC", "contact_email": "a@example.org", "slug": "Bad.Slug"}, {"slug"}),
        ({"name": "✓ ✓", "contact_email": "a@example.org"}, {"slug"}),
        ({}, {"name", "contact_email"}),
    ],
)
def test_bad_partner_requests_are_422_naming_the_fields(client, staff, body, fields):
    response = client.post(f"{API}/feed-partners", json=body, headers=staff)
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field_names(response) == fields


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key_id": "vk_" + "0" * 20, "secret": "fps_x"}, "key_id"),
        ({"key_id": "fpk_" + "0" * 20}, "secret"),
        ({"key_id": "fpk_" + "0" * 20, "secret": "has space"}, "secret"),
    ],
)
def test_bad_token_requests_are_422_naming_the_field(client, body, field):
    response = client.post(f"{API}/partner-tokens", json=body)
    assert response.status_code == 422
    assert field_names(response) == {field}


def test_an_unreachable_management_api_is_a_503_that_leaves_nothing_and_is_audited(
    client, database, staff, vhost_uri, slugs, monkeypatch
):
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:9")
    slug = slugs()
    response = client.post(
        f"{API}/feed-partners", json={"name": "FPPC", "contact_email": "a@example.org", "slug": slug}, headers=staff
    )
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "cannot be reached" in response.json["detail"] and "try again" in response.json["detail"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FeedPartner)) == 0
    assert events_of(database, "feed_partner_created") == []
    assert audit_actions(database) == [("feed_partner.create", "failure", None)]
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_URL", RABBITMQ_MANAGEMENT_URL)
    assert create(client, staff, slug)["feed_partner"]["slug"] == slug


def test_a_management_api_that_refuses_is_a_502(client, database, staff, vhost_uri, slugs, monkeypatch):
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_PASSWORD", "not-the-password")
    response = client.post(
        f"{API}/feed-partners", json={"name": "FTB", "contact_email": "a@example.org", "slug": slugs()}, headers=staff
    )
    assert response.status_code == 502
    assert "answered 401" in response.json["detail"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FeedPartner)) == 0


def test_a_provisioning_that_fails_after_the_user_was_made_leaves_no_broker_user(database, vhost_uri, slugs):
    class FailingGrant(BrokerAccounts):
        def grant(self, username, permissions):
            raise BrokerUnavailable("the permissions could not be set")

    slug = slugs()
    broker = FailingGrant(BrokerSettings.from_config())
    with pytest.raises(BrokerUnavailable), database.session() as session:
        handlers.create_partner(session, broker, handlers.StaffCaller("staff-1", None), "FPPC", "a@example.org", slug)
    assert not broker_user_exists(f"partner-{slug}")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FeedPartner)) == 0


def test_the_migration_builds_the_feed_partner_tables_the_models_describe(database):
    def feed_partner_table(item, name, type_, reflected, compare_to):
        table = name if type_ == "table" else getattr(getattr(item, "table", None), "name", None)
        return table in ("feed_partners", "feed_partner_credentials")

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": feed_partner_table})
        assert compare_metadata(context, FeedPartner.metadata) == []


def test_a_broker_user_left_by_an_interrupted_creation_is_taken_over(client, staff, vhost_uri, slugs):
    slug = slugs()
    base, auth = management()
    requests.put(
        f"{base}/users/partner-{slug}", json={"password": "left-behind", "tags": ""}, auth=auth, timeout=10
    ).raise_for_status()
    amqp = create(client, staff, slug)["amqp"]
    with connect(amqp) as connection:
        own_queue(connection, amqp)
    assert "ACCESS_REFUSED" in refused(lambda: connect(amqp, password="left-behind"))


def test_a_revocation_the_broker_could_not_apply_changes_nothing_and_a_retry_completes_it(
    client, database, staff, vhost_uri, slugs, monkeypatch
):
    body = create(client, staff, slugs())
    partner_id, amqp = body["feed_partner"]["feed_partner_id"], body["amqp"]
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:9")
    failed = client.delete(f"{API}/feed-partners/{partner_id}", headers=staff)
    assert failed.status_code == 503
    assert client.get(f"{API}/feed-partners/{partner_id}", headers=staff).json["status"] == "active"
    connect(amqp).release()
    assert ("feed_partner.revoke", "failure", f"feed_partner:{partner_id}") in audit_actions(database)
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_URL", RABBITMQ_MANAGEMENT_URL)
    assert client.delete(f"{API}/feed-partners/{partner_id}", headers=staff).json["status"] == "revoked"
    assert "ACCESS_REFUSED" in refused(lambda: connect(amqp))
