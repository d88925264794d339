from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import metadata as messaging_metadata
from notify.alert_key import alert_signing_key
from notify.alerts import shared_searches
from notify.domain.alert_shares import share_key
from notify.gateway import create_app
from notify.models import AlertSubscription, Base, SharedSearch
from services.notify.tests.test_alerts import PORTAL, SUBSCRIBE, deliver, link_in, text_of

SEARCH_ID = "8d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f"
TOKEN = "T" * 43
LINK = f"{PORTAL}/api/search/shared/{TOKEN}"
SHARED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


@pytest.fixture
def client(database, token_mint, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_URL", PORTAL)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("NOTIFY_ALERT_SIGNING_KEY", "alert-signing-key-for-tests-" + "x" * 20)
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def shared(database, token=TOKEN, name="Teachers in Sacramento", at=SHARED_AT):
    event = read_event(
        make_event(
            "search",
            "saved_search_shared",
            {"saved_search_id": SEARCH_ID, "name": name, "share_key": share_key(token), "changed_at": at},
        )
    )
    with database.session() as session:
        shared_searches.record_share(session, event)


def unshared(database, at=SHARED_AT + timedelta(days=1)):
    event = read_event(make_event("search", "saved_search_unshared", {"saved_search_id": SEARCH_ID, "changed_at": at}))
    with database.session() as session:
        return shared_searches.end_share(session, event)


def matched(at=datetime(2026, 3, 3, 14, 0, tzinfo=UTC), new_results=3):
    payload = {
        "saved_search_id": SEARCH_ID,
        "name": "Teachers in Sacramento",
        "new_results": new_results,
        "link": LINK,
        "matched_at": at,
    }
    return read_event(make_event("search", "shared_search_matched", payload))


def alert_of(database, event):
    with database.session() as session:
        return shared_searches.alert_subscribers_of_shared_search(
            session, event, portal_url=PORTAL, key=alert_signing_key()
        )


def statuses(database):
    with database.session() as session:
        return sorted(
            session.scalars(select(AlertSubscription.status).where(AlertSubscription.saved_search_id.is_not(None)))
        )


@pytest.fixture
def confirmed_reader(client, database, smtp_sink):
    """reader@example.org subscribed to the shared search by its link and confirmed by the link e-mailed to them."""
    shared(database)
    asked = client.post(SUBSCRIBE, json={"email": "Reader@Example.org", "shared_search": LINK})
    assert asked.status_code == 202
    [confirmation] = deliver(database, smtp_sink)
    assert (confirmation["To"], confirmation["Subject"]) == (
        "reader@example.org",
        'Confirm your CARS alerts for the shared search "Teachers in Sacramento"',
    )
    assert TOKEN not in text_of(confirmation)
    confirmed = client.get(link_in(confirmation, "confirm"))
    assert (confirmed.status_code, confirmed.json) == (
        200,
        {"search_name": "Teachers in Sacramento", "status": "confirmed"},
    )
    smtp_sink.messages.clear()


def test_a_confirmed_subscriber_gets_each_match_once_with_one_click_unsubscribe(
    client, database, smtp_sink, confirmed_reader
):
    first = matched()
    assert len(alert_of(database, first)) == 1
    assert alert_of(database, first) == []  # the event redelivered
    [alert] = deliver(database, smtp_sink)
    assert (alert["To"], alert["Subject"]) == (
        "reader@example.org",
        '3 new results for the shared search "Teachers in Sacramento"',
    )
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = link_in(alert, "unsubscribe")
    assert alert["List-Unsubscribe"] == f"<{PORTAL}{unsubscribe}>"
    assert LINK in text_of(alert)
    assert {part.get_content_type() for part in alert.walk()} >= {"text/plain", "text/html"}

    ended = client.post(
        unsubscribe, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert (ended.status_code, ended.json) == (200, {"search_name": "Teachers in Sacramento", "status": "unsubscribed"})
    assert alert_of(database, matched(at=datetime(2026, 3, 4, 14, 0, tzinfo=UTC))) == []


def test_each_run_is_its_own_alert(client, database, smtp_sink, confirmed_reader):
    alert_of(database, matched())
    alert_of(database, matched(at=datetime(2026, 3, 4, 14, 0, tzinfo=UTC), new_results=1))
    assert [m["Subject"] for m in deliver(database, smtp_sink)] == [
        '3 new results for the shared search "Teachers in Sacramento"',
        '1 new result for the shared search "Teachers in Sacramento"',
    ]


def test_the_token_alone_subscribes_as_well_and_an_unconfirmed_address_gets_no_alerts(client, database, smtp_sink):
    shared(database)
    assert client.post(SUBSCRIBE, json={"email": "someone@example.org", "shared_search": TOKEN}).status_code == 202
    assert alert_of(database, matched()) == []
    assert statuses(database) == ["pending"]


def test_an_unknown_share_link_is_a_404_naming_the_field(client, database, smtp_sink):
    shared(database)
    response = client.post(SUBSCRIBE, json={"email": "someone@example.org", "shared_search": "U" * 43})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == ["shared_search"]
    assert deliver(database, smtp_sink) == []


def test_a_revoked_share_refuses_subscriptions_and_ends_those_it_had(client, database, smtp_sink, confirmed_reader):
    client.post(SUBSCRIBE, json={"email": "pending@example.org", "shared_search": LINK})
    [pending_confirmation] = deliver(database, smtp_sink)
    assert statuses(database) == ["confirmed", "pending"]

    assert unshared(database) == 2
    assert statuses(database) == ["unsubscribed", "unsubscribed"]
    refused = client.post(SUBSCRIBE, json={"email": "late@example.org", "shared_search": LINK})
    assert (refused.status_code, [e["field"] for e in refused.json["errors"]]) == (404, ["shared_search"])
    # The confirmation link sent before the revocation no longer confirms anything.
    assert client.get(link_in(pending_confirmation, "confirm")).status_code == 403
    assert alert_of(database, matched()) == []


def test_a_late_share_event_does_not_undo_a_revocation(client, database):
    shared(database)
    unshared(database)
    shared(database)  # the first share, redelivered after the revocation
    response = client.post(SUBSCRIBE, json={"email": "someone@example.org", "shared_search": LINK})
    assert response.status_code == 404


def test_a_revocation_arriving_before_its_share_still_wins(client, database):
    unshared(database)
    shared(database)
    assert client.post(SUBSCRIBE, json={"email": "someone@example.org", "shared_search": LINK}).status_code == 404


def test_sharing_again_makes_a_new_link_and_only_it_subscribes(client, database, smtp_sink, confirmed_reader):
    unshared(database)
    new_token = "N" * 43
    shared(database, token=new_token, at=SHARED_AT + timedelta(days=2))
    assert client.post(SUBSCRIBE, json={"email": "x@example.org", "shared_search": LINK}).status_code == 404
    assert client.post(SUBSCRIBE, json={"email": "x@example.org", "shared_search": new_token}).status_code == 202
    # The old link's subscriber was ended with the old link.
    assert statuses(database) == ["pending", "unsubscribed"]


def test_a_rename_is_what_later_confirmations_say(client, database, smtp_sink):
    shared(database)
    shared(database, name="Teachers statewide", at=SHARED_AT + timedelta(hours=1))
    client.post(SUBSCRIBE, json={"email": "x@example.org", "shared_search": LINK})
    [confirmation] = deliver(database, smtp_sink)
    assert confirmation["Subject"] == 'Confirm your CARS alerts for the shared search "Teachers statewide"'
    with database.session() as session:
        assert session.get_one(SharedSearch, SEARCH_ID).share_key == share_key(TOKEN)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "x@example.org", "shared_search": "https://cars.example/api/search/shared/short"}, "shared_search"),
        ({"email": "x@example.org", "shared_search": "x" * 2000}, "shared_search"),
        ({"email": "x@example.org", "shared_search": 12}, "shared_search"),
        ({"email": "x@example.org", "shared_search": LINK, "entity_id": "1400001"}, "shared_search"),
        ({"email": "x@example.org"}, "entity_id"),
        ({"email": "not an address", "shared_search": LINK}, "email"),
    ],
)
def test_bad_requests_are_422_naming_the_field(client, database, body, field):
    shared(database)
    response = client.post(SUBSCRIBE, json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == [field]


def test_a_shared_search_subscription_counts_against_the_same_throttle(client, database, smtp_sink):
    shared(database)
    answers = [
        client.post(SUBSCRIBE, json={"email": "victim@example.org", "entity_id": f"140000{n}"}).status_code
        for n in range(3)
    ]
    refused = client.post(SUBSCRIBE, json={"email": "victim@example.org", "shared_search": LINK})
    assert (answers, refused.status_code) == ([202, 202, 202], 429)


def test_a_subscription_follows_exactly_one_thing(database):
    with pytest.raises(Exception, match="ck_alert_subscription_one_target"), database.session() as session:
        session.add(
            AlertSubscription(
                id="s-1", email="x@example.org", entity_id="1400001", saved_search_id=SEARCH_ID, created_at=SHARED_AT
            )
        )


def test_migrations_match_the_models(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), [Base.metadata, messaging_metadata])
    assert differences == []
