"""The HTTP feed: public events in order after an opaque cursor, filtered, long-polled, within retention."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update

from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.registry import load_all, payload_schema
from cars_shared.migrate import upgrade
from cars_shared.testing import migrations_of
from notify.gateway import create_app
from notify.models import ThrottleHit
from notify.partners import feed
from notify.partners.handlers import purge_expired, record_public_events
from notify.partners.models import FeedCounter, FeedEvent
from notify.partners.routes import FEED_SLEEP

FEED = "/api/notify/partners/feed"
PORTAL = "https://cars.example"


def internal(producer, type_, **changes):
    """An internal event as its producer publishes it: the contract's example with `changes`."""
    example = load_all()[(producer, type_, 1)].example
    return make_event(producer, type_, payload_schema(producer, type_).load({**example, **changes}))


def record(database, *events, now=None):
    with database.session() as session:
        return record_public_events(session, [read_event(e) for e in events], PORTAL, now or datetime.now(UTC))


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    # One database for the module, emptied before each test: the feed's rules hold on either database, and the
    # PostgreSQL runs are the stream's end-to-end tests.
    url = f"sqlite:///{tmp_path_factory.mktemp('partner-feed') / 'notify.db'}"
    upgrade(migrations_of("notify"), url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def database(migrated):
    with migrated.session() as session:
        for table in (FeedEvent, ThrottleHit):
            session.execute(delete(table))
        session.execute(update(FeedCounter).values(last_sequence=0, purged_through=0))
    return migrated


@pytest.fixture
def app(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier)


@pytest.fixture
def client(app):
    return app.test_client()


def scenario(database):
    return record(
        database,
        internal("filings", "entity_registered", entity_id="1400001"),
        internal("filings", "filing_accepted", entity_id="1400001", filing_id="f-1"),
        internal("filings", "entity_registered", entity_id="1400002"),
        internal("fees", "fine_assessed", entity_id="1400001"),
        internal("filings", "filing_amended", entity_id="1400001", filing_id="f-1"),
        internal("fees", "fine_waived", entity_id="1400001"),
    )


def read_all(client, query=""):
    events, cursor = [], None
    while True:
        answer = client.get(f"{FEED}?limit=2{query}" + (f"&after={cursor}" if cursor else ""))
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        if not page["events"]:
            return events, page["next"]
        events += page["events"]
        cursor = page["next"]


def test_feed_pages_through_every_event_in_sequence_order(client, database):
    assert scenario(database) == [1, 2, 3, 4, 5, 6]
    events, _ = read_all(client)
    assert [e["sequence"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert [e["type"] for e in events] == [
        "entity.registered",
        "filing.accepted",
        "entity.registered",
        "fine.assessed",
        "filing.amended",
        "fine.waived",
    ]
    assert events[1]["payload"]["filing_url"] == f"{PORTAL}/api/filings/v1/filings/f-1/versions/0"


def test_an_event_recorded_twice_keeps_its_one_place(client, database):
    event = internal("filings", "filing_accepted")
    assert record(database, event) == [1]
    assert record(database, event) == []
    assert [e["sequence"] for e in read_all(client)[0]] == [1]


def test_feed_filters_by_event_type_and_entity(client, database):
    scenario(database)
    by_type, _ = read_all(client, "&type=filing.accepted&type=filing.amended")
    assert [e["type"] for e in by_type] == ["filing.accepted", "filing.amended"]
    by_entity, _ = read_all(client, "&entity_id=1400002")
    assert [e["sequence"] for e in by_entity] == [3]


def test_resuming_from_a_cursor_returns_what_came_after_it(client, database):
    scenario(database)
    first = client.get(f"{FEED}?limit=4").get_json()
    record(database, internal("filings", "entity_terminated", entity_id="1400002"))
    rest = client.get(f"{FEED}?after={first['next']}").get_json()
    assert [e["sequence"] for e in first["events"] + rest["events"]] == [1, 2, 3, 4, 5, 6, 7]
    assert rest["events"][-1]["type"] == "entity.terminated"


def test_a_filtered_read_that_matches_nothing_still_moves_the_cursor_on(client, database):
    scenario(database)
    answer = client.get(f"{FEED}?entity_id=9999999").get_json()
    assert answer["events"] == []
    assert feed.decode_cursor(answer["next"]) == 6


def test_long_poll_answers_as_soon_as_an_event_arrives(app, database):
    scenario(database)
    cursor = feed.encode_cursor(6)
    waits = []

    def an_event_arrives_while_waiting(seconds):
        waits.append(seconds)
        record(database, internal("filings", "filing_accepted", filing_id="f-2"))

    app.config[FEED_SLEEP] = an_event_arrives_while_waiting
    answer = app.test_client().get(f"{FEED}?after={cursor}&wait=20").get_json()
    assert len(waits) == 1
    assert [e["sequence"] for e in answer["events"]] == [7]


def test_long_poll_gives_up_after_wait_seconds_with_the_same_cursor(app, database):
    scenario(database)
    waits = []
    app.config[FEED_SLEEP] = waits.append
    answer = app.test_client().get(f"{FEED}?after={feed.encode_cursor(6)}&wait=1").get_json()
    assert answer == {"events": [], "next": feed.encode_cursor(6)}
    assert waits == [0.2] * 5


def test_a_cursor_older_than_the_retention_window_is_gone(client, database):
    long_ago = datetime.now(UTC) - timedelta(days=100)
    record(database, internal("filings", "entity_registered", entity_id="1400001"), now=long_ago)
    record(database, internal("filings", "entity_registered", entity_id="1400002"), now=long_ago)
    record(database, internal("filings", "entity_registered", entity_id="1400003"))
    old_cursor = feed.encode_cursor(1)
    with database.session() as session:
        assert purge_expired(session, datetime.now(UTC), 90) == 2
    answer = client.get(f"{FEED}?after={old_cursor}")
    assert answer.status_code == 410
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.get_json()["errors"][0]["field"] == "after"
    assert [e["sequence"] for e in client.get(FEED).get_json()["events"]] == [3]
    assert [e["sequence"] for e in client.get(f"{FEED}?after={feed.encode_cursor(2)}").get_json()["events"]] == [3]


def test_a_cursor_the_feed_did_not_give_out_is_refused_naming_it(client):
    answer = client.get(f"{FEED}?after=not-a-cursor")
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["field"] == "after"


def test_an_unknown_event_type_filter_is_refused(client):
    answer = client.get(f"{FEED}?type=correspondence.issued")
    assert answer.status_code == 422


def test_the_feed_is_throttled_per_client(client, database, monkeypatch):
    from datetime import timedelta as delta

    from notify.domain.throttling import ThrottlePolicy
    from notify.partners import routes

    monkeypatch.setattr(routes, "FEED_PER_CLIENT", ThrottlePolicy(limit=2, window=delta(minutes=1)))
    assert client.get(FEED).status_code == 200
    assert client.get(FEED).status_code == 200
    refused = client.get(FEED)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
