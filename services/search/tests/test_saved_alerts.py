from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from cars_shared.messaging_tables import metadata as messaging_metadata
from cars_shared.messaging_tables import outbox
from search.embedded_index import EmbeddedIndex
from search.exports.query_args import SearchFilters
from search.models import Base, SavedSearch
from search.saved import handlers
from services.search.tests.test_exports_writers import transaction

PORTAL = "https://cars.example"
SCHEDULED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(migrated_database):
    return migrated_database("search")


@pytest.fixture
def index(tmp_path):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.upsert_many(transaction(number, dated_at=datetime(2026, 3, 1, number, tzinfo=UTC)) for number in (1, 2))
    return index


def save(database, index, name="Sacramento giving", schedule="daily", user_id="user-1", city="Sacramento"):
    with database.session() as session:
        saved = handlers.create_saved_search(
            session,
            index,
            user_id=user_id,
            name=name,
            filters=SearchFilters().load({"city": [city]}),
            report=None,
            schedule=schedule,
            now=SCHEDULED_AT,
        )
        return saved.id


def run_alerts(database, index, now):
    with database.session() as session:
        return [saved.id for saved in handlers.run_due_alerts(session, index, now=now, portal_url=PORTAL)]


def announced(database):
    with database.session() as session:
        return [row.envelope["payload"] for row in session.execute(select(outbox.c.envelope).order_by(outbox.c.id))]


def test_results_already_there_when_scheduled_are_not_news(database, index):
    saved_id = save(database, index)
    with database.session() as session:
        saved = session.get_one(SavedSearch, saved_id)
        assert (saved.watermark_id, saved.next_run_at) == ("transaction:filing-1:A:2", SCHEDULED_AT.replace(hour=14))
    assert run_alerts(database, index, SCHEDULED_AT.replace(hour=14)) == []
    assert announced(database) == []


def test_a_due_search_announces_its_new_results_once(database, index):
    saved_id = save(database, index)
    index.upsert_many(
        [
            transaction(3, dated_at=datetime(2026, 3, 2, 10, tzinfo=UTC)),
            # Same day as the watermark, later id: new as well.
            transaction(4, dated_at=datetime(2026, 3, 1, 2, tzinfo=UTC)),
            transaction(5, city="Fresno", dated_at=datetime(2026, 3, 2, 11, tzinfo=UTC)),
        ]
    )
    assert run_alerts(database, index, SCHEDULED_AT.replace(hour=13)) == []
    first_run = SCHEDULED_AT.replace(hour=14, minute=1)
    assert run_alerts(database, index, first_run) == [saved_id]
    [matched] = announced(database)
    assert matched == {
        "saved_search_id": saved_id,
        "user_id": "user-1",
        "name": "Sacramento giving",
        "new_results": 2,
        "link": f"{PORTAL}/api/search/saved-searches/{saved_id}/results",
        "matched_at": first_run.isoformat(),
    }
    next_day = first_run + timedelta(days=1)
    assert run_alerts(database, index, next_day) == []
    with database.session() as session:
        saved = session.get_one(SavedSearch, saved_id)
        assert (saved.last_run_at, saved.next_run_at) == (next_day, datetime(2026, 3, 4, 14, tzinfo=UTC))


def test_unscheduled_searches_never_run(database, index):
    save(database, index, schedule="never")
    index.upsert(transaction(3, dated_at=datetime(2026, 3, 3, tzinfo=UTC)))
    assert run_alerts(database, index, SCHEDULED_AT + timedelta(days=30)) == []


def test_a_search_that_matched_nothing_announces_its_first_results(database, index):
    saved_id = save(database, index, city="Davis", schedule="weekly")
    index.upsert(transaction(3, city="Davis", dated_at=datetime(2026, 2, 1, tzinfo=UTC)))
    assert run_alerts(database, index, SCHEDULED_AT + timedelta(days=7)) == [saved_id]
    assert announced(database)[0]["new_results"] == 1


def test_migrations_match_the_models(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), [Base.metadata, messaging_metadata])
    assert differences == []
