import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from cars_shared.db import Database
from cars_shared.messaging_tables import outbox
from cars_shared.migrate import upgrade
from cars_shared.testing import migrations_of
from search.embedded_index import EmbeddedIndex
from search.exports.query_args import SearchFilters, stored_filters
from search.gateway import create_app
from search.models import SavedSearch
from search.saved import handlers
from services.search.tests.test_exports_writers import transaction
from services.search.tests.test_saved_alerts import PORTAL, SCHEDULED_AT, save

SHARED_AT = SCHEDULED_AT  # 09:00 UTC: the first public run is at 14:00 the same day
FIRST_RUN = SHARED_AT.replace(hour=14)


@pytest.fixture
def database(migrated_database):
    return migrated_database("search")


@pytest.fixture
def index(tmp_path):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.upsert_many(transaction(number, dated_at=datetime(2026, 3, 1, number, tzinfo=UTC)) for number in (1, 2))
    return index


def events(database, type_=None):
    with database.session() as session:
        rows = session.execute(select(outbox.c.envelope).order_by(outbox.c.id)).scalars()
        return [(e["type"], e["payload"]) for e in rows if type_ is None or e["type"] == type_]


def share(database, index, saved_id, now=SHARED_AT):
    with database.session() as session:
        return handlers.share(session, index, user_id="user-1", saved_search_id=saved_id, now=now).share_token


def revoke(database, saved_id, now=SHARED_AT + timedelta(days=3)):
    with database.session() as session:
        handlers.revoke_share(session, user_id="user-1", saved_search_id=saved_id, now=now)


def public_run(database, index, now):
    with database.session() as session:
        return [saved.id for saved in handlers.run_due_public_alerts(session, index, now=now, portal_url=PORTAL)]


def owner_run(database, index, now):
    with database.session() as session:
        return [saved.id for saved in handlers.run_due_alerts(session, index, now=now, portal_url=PORTAL)]


def new_match(index, number, day):
    index.upsert(transaction(number, dated_at=datetime(2026, 3, day, 10, tzinfo=UTC)))


def test_sharing_announces_the_share_by_the_key_of_its_token_never_the_token(database, index):
    saved_id = save(database, index, schedule="never")
    token = share(database, index, saved_id)
    assert share(database, index, saved_id, now=SHARED_AT + timedelta(hours=1)) == token  # shared once
    assert events(database) == [
        (
            "saved_search_shared",
            {
                "saved_search_id": saved_id,
                "name": "Sacramento giving",
                "share_key": hashlib.sha256(token.encode()).hexdigest(),
                "changed_at": SHARED_AT.isoformat(),
            },
        )
    ]
    assert token not in json.dumps(events(database))
    with database.session() as session:
        saved = session.get_one(SavedSearch, saved_id)
        assert (saved.public_next_run_at, saved.public_watermark_id) == (FIRST_RUN, "transaction:filing-1:A:2")


def test_a_shared_search_runs_daily_for_the_public_even_unscheduled_telling_only_of_what_is_new(database, index):
    saved_id = save(database, index, schedule="never")
    token = share(database, index, saved_id)
    assert public_run(database, index, FIRST_RUN - timedelta(minutes=1)) == []
    assert public_run(database, index, FIRST_RUN) == []  # what matched when it was shared is not news
    new_match(index, 3, day=3)
    new_match(index, 4, day=3)
    assert public_run(database, index, FIRST_RUN + timedelta(hours=1)) == []  # not due until tomorrow
    second_run = FIRST_RUN + timedelta(days=1)
    assert public_run(database, index, second_run) == [saved_id]
    assert events(database, "shared_search_matched") == [
        (
            "shared_search_matched",
            {
                "saved_search_id": saved_id,
                "name": "Sacramento giving",
                "new_results": 2,
                "link": f"{PORTAL}/api/search/shared/{token}",
                "matched_at": second_run.isoformat(),
            },
        )
    ]
    assert public_run(database, index, second_run + timedelta(days=1)) == []
    # The owner asked for no alerts: none of theirs were run or announced.
    assert events(database, "saved_search_matched") == []
    with database.session() as session:
        saved = session.get_one(SavedSearch, saved_id)
        assert (saved.last_run_at, saved.watermark_id, saved.next_run_at) == (None, None, None)


def test_the_owner_and_the_public_each_keep_their_own_watermark(database, index):
    saved_id = save(database, index, schedule="daily")
    share(database, index, saved_id)
    new_match(index, 3, day=2)
    assert owner_run(database, index, FIRST_RUN) == [saved_id]
    # The owner's run took the news; the public's run still tells it.
    assert public_run(database, index, FIRST_RUN) == [saved_id]
    assert [payload["new_results"] for _type, payload in events(database, "saved_search_matched")] == [1]
    assert [payload["new_results"] for _type, payload in events(database, "shared_search_matched")] == [1]
    new_match(index, 4, day=3)
    next_day = FIRST_RUN + timedelta(days=1)
    assert public_run(database, index, next_day) == [saved_id]
    assert owner_run(database, index, next_day) == [saved_id]


def test_an_unshared_search_never_runs_for_the_public(database, index):
    save(database, index, schedule="daily")
    new_match(index, 3, day=3)
    assert public_run(database, index, FIRST_RUN + timedelta(days=30)) == []


def test_revoking_the_share_announces_it_and_ends_the_public_runs(database, index):
    saved_id = save(database, index, schedule="never")
    share(database, index, saved_id)
    revoke(database, saved_id)
    revoke(database, saved_id, now=SHARED_AT + timedelta(days=4))  # revoked once
    new_match(index, 3, day=3)
    assert public_run(database, index, FIRST_RUN + timedelta(days=5)) == []
    assert events(database, "saved_search_unshared") == [
        (
            "saved_search_unshared",
            {"saved_search_id": saved_id, "changed_at": (SHARED_AT + timedelta(days=3)).isoformat()},
        )
    ]
    with database.session() as session:
        saved = session.get_one(SavedSearch, saved_id)
        assert (saved.public_next_run_at, saved.public_watermark_id) == (None, None)


def test_sharing_again_starts_afresh_with_a_new_link(database, index):
    saved_id = save(database, index, schedule="never")
    old = share(database, index, saved_id)
    revoke(database, saved_id)
    new_match(index, 3, day=4)
    new = share(database, index, saved_id, now=SHARED_AT + timedelta(days=4))
    assert new != old
    keys = [payload["share_key"] for _type, payload in events(database, "saved_search_shared")]
    assert keys == [hashlib.sha256(t.encode()).hexdigest() for t in (old, new)]
    # What arrived while it was not shared matched before the new share: not news either.
    assert public_run(database, index, FIRST_RUN + timedelta(days=4)) == []


def test_deleting_a_shared_search_announces_the_end_of_its_share(database, index):
    shared_id = save(database, index, schedule="never")
    share(database, index, shared_id)
    private_id = save(database, index, name="Private", schedule="never")
    with database.session() as session:
        for saved_id in (shared_id, private_id):
            handlers.delete_saved_search(session, user_id="user-1", saved_search_id=saved_id, now=FIRST_RUN)
    assert [payload["saved_search_id"] for _type, payload in events(database, "saved_search_unshared")] == [shared_id]


def test_renaming_a_shared_search_announces_the_new_name_and_new_filters_restart_its_public_news(database, index):
    saved_id = save(database, index, schedule="never")
    token = share(database, index, saved_id)
    new_match(index, 3, day=3)
    with database.session() as session:
        handlers.change_saved_search(
            session,
            index,
            user_id="user-1",
            saved_search_id=saved_id,
            changes={"name": "Sacramento teachers"},
            now=SHARED_AT + timedelta(hours=1),
        )
    [_first, (_type, renamed)] = events(database, "saved_search_shared")
    assert (renamed["name"], renamed["share_key"]) == (
        "Sacramento teachers",
        hashlib.sha256(token.encode()).hexdigest(),
    )
    with database.session() as session:
        handlers.change_saved_search(
            session,
            index,
            user_id="user-1",
            saved_search_id=saved_id,
            changes={"filters": SearchFilters().load({"city": ["Sacramento"], "occupation": ["Teacher"]})},
            now=SHARED_AT + timedelta(days=2),
        )
    assert len(events(database, "saved_search_shared")) == 2  # no rename, no new announcement
    # The match of day 3 was there when the search changed: not news to its public run.
    assert public_run(database, index, FIRST_RUN + timedelta(days=2)) == []


# -- over HTTP ------------------------------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path, monkeypatch, database, token_mint, index):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_URL", PORTAL)
    return create_app(database=database, verifier=token_mint.verifier, index=index).test_client()


def test_the_share_routes_announce_sharing_and_revoking(client, database, token_mint):
    me = token_mint.headers(user_id="user-1")
    saved = client.post("/api/search/saved-searches", json={"name": "Everything"}, headers=me).json
    shared = client.put(f"/api/search/saved-searches/{saved['id']}/share", headers=me)
    assert shared.status_code == 200
    token = shared.json["share_url"].rsplit("/", 1)[1]
    assert client.delete(f"/api/search/saved-searches/{saved['id']}/share", headers=me).status_code == 200
    assert [(type_, payload["saved_search_id"]) for type_, payload in events(database)] == [
        ("saved_search_shared", saved["id"]),
        ("saved_search_unshared", saved["id"]),
    ]
    assert events(database)[0][1]["share_key"] == hashlib.sha256(token.encode()).hexdigest()
    assert client.get(f"/api/search/shared/{token}").status_code == 404


def test_someone_elses_search_cannot_be_shared_or_revoked(client, database, token_mint):
    mine = client.post("/api/search/saved-searches", json={"name": "Mine"}, headers=token_mint.headers()).json
    other = token_mint.headers(user_id="user-2")
    for method in (client.put, client.delete):
        response = method(f"/api/search/saved-searches/{mine['id']}/share", headers=other)
        assert (response.status_code, [e["field"] for e in response.json["errors"]]) == (404, ["saved_search_id"])
    assert events(database) == []


# -- searches shared before public alerts existed --------------------------------------------------------------------


def test_searches_shared_before_public_alerts_are_announced_and_start_their_public_runs(postgres_url, index):
    url = postgres_url("search")
    upgrade(migrations_of("search"), url, "0003")
    before = Database(url)
    saved_searches = sa.table(
        "saved_searches",
        sa.column("filters", sa.JSON),
        *(sa.column(name) for name in ("id", "user_id", "name", "schedule", "share_token", "created_at", "updated_at")),
    )
    with before.engine.begin() as connection:
        for number, token in ((1, "S" * 43), (2, None)):
            connection.execute(
                sa.insert(saved_searches).values(
                    id=f"s-{number}",
                    user_id="user-1",
                    name=f"Search {number}",
                    filters=stored_filters(SearchFilters().load({"city": ["Sacramento"]})),
                    schedule="never",
                    share_token=token,
                    created_at=SHARED_AT,
                    updated_at=SHARED_AT,
                )
            )
    before.dispose()
    upgrade(migrations_of("search"), url)
    database = Database(url)
    try:
        [(type_, announced)] = events(database)
        assert (type_, announced["saved_search_id"], announced["name"], announced["share_key"]) == (
            "saved_search_shared",
            "s-1",
            "Search 1",
            hashlib.sha256(b"S" * 43).hexdigest(),
        )
        # The first pass starts its public runs: what matches then is not news.
        assert public_run(database, index, SHARED_AT) == []
        with database.session() as session:
            started = session.get_one(SavedSearch, "s-1")
            assert (started.public_next_run_at, started.public_watermark_id) == (FIRST_RUN, "transaction:filing-1:A:2")
            assert session.get_one(SavedSearch, "s-2").public_next_run_at is None
        new_match(index, 3, day=2)
        assert public_run(database, index, FIRST_RUN) == ["s-1"]
    finally:
        database.dispose()
