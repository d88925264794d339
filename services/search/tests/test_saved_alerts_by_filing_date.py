"""Alerts go by when a match reached the public record (its filing date), not by its own dates: a report filed late
with old transactions is news to the owner's alerts and to the public runs of a shared search, once each."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from cars_shared.db import Database
from cars_shared.migrate import upgrade
from cars_shared.testing import migrations_of
from search.embedded_index import EmbeddedIndex
from search.exports.query_args import SearchFilters, stored_filters
from search.models import SavedSearch
from services.search.tests.test_exports_writers import transaction
from services.search.tests.test_saved_alerts import SCHEDULED_AT, save
from services.search.tests.test_saved_public_alerts import FIRST_RUN, events, owner_run, public_run, share

FILED = datetime(2026, 7, 31, 17, 0, tzinfo=UTC)  # when the first two matches were filed (test_exports_writers)


@pytest.fixture
def database(migrated_database):
    return migrated_database("search")


@pytest.fixture
def index(tmp_path):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.upsert_many(transaction(number, dated_at=datetime(2026, 3, 1, number, tzinfo=UTC)) for number in (1, 2))
    return index


def filed_late(number, filed_at, *, filing="filing-late", amendment=0, city="Sacramento", day=date(2025, 8, 1)):
    """A line of a report filed at `filed_at` whose transaction is dated `day`, long before."""
    return transaction(
        number,
        id=f"transaction:{filing}:{amendment}:A:{number}",
        filing_id=filing,
        amendment=amendment,
        version=amendment,
        filed_at=filed_at,
        dated_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
        transaction_date=day,
        city=city,
    )


def new_results(database, type_):
    return [payload["new_results"] for _type, payload in events(database, type_)]


def test_a_report_filed_late_with_old_transactions_is_news_to_the_owner_and_the_public_once(database, index):
    saved_id = save(database, index, schedule="daily")
    share(database, index, saved_id)
    late = FILED + timedelta(days=3)
    index.upsert_many([filed_late(1, late), filed_late(2, late), filed_late(3, late, city="Fresno")])
    assert owner_run(database, index, FIRST_RUN) == [saved_id]
    assert public_run(database, index, FIRST_RUN) == [saved_id]
    assert new_results(database, "saved_search_matched") == [2]
    assert new_results(database, "shared_search_matched") == [2]
    # Told once: the next runs have nothing new.
    next_day = FIRST_RUN + timedelta(days=1)
    assert owner_run(database, index, next_day) == []
    assert public_run(database, index, next_day) == []
    with database.session() as session:
        saved = session.get_one(SavedSearch, saved_id)
        assert (saved.watermark_filed_at, saved.watermark_id) == (late, "transaction:filing-late:0:A:2")
        assert (saved.public_watermark_filed_at, saved.public_watermark_id) == (late, "transaction:filing-late:0:A:2")
        assert saved.watermark_dated_at is saved.public_watermark_dated_at is None
    # Its amendment, filed later, restates the lines: news again, once, whatever their dates.
    amended = late + timedelta(days=7)
    index.upsert_many([filed_late(1, amended, amendment=1), filed_late(2, amended, amendment=1)])
    week_later = FIRST_RUN + timedelta(days=8)
    assert owner_run(database, index, week_later) == [saved_id]
    assert public_run(database, index, week_later) == [saved_id]
    assert owner_run(database, index, week_later + timedelta(days=1)) == []
    assert public_run(database, index, week_later + timedelta(days=1)) == []
    assert new_results(database, "saved_search_matched") == [2, 2]
    assert new_results(database, "shared_search_matched") == [2, 2]


def test_a_match_filed_before_the_last_run_is_not_news_however_recent_its_date(database, index):
    saved_id = save(database, index, schedule="daily")
    share(database, index, saved_id)
    # Filed long ago (a migrated CAL-ACCESS report, say), though dated after everything matched so far.
    index.upsert(filed_late(1, datetime(2019, 5, 1, tzinfo=UTC), filing="filing-old", day=date(2026, 3, 5)))
    assert owner_run(database, index, FIRST_RUN) == []
    assert public_run(database, index, FIRST_RUN) == []


def test_a_search_last_run_before_alerts_went_by_filing_date_is_not_flooded_after_the_upgrade(postgres_url, tmp_path):
    url = postgres_url("search")
    upgrade(migrations_of("search"), url, "0004")
    index = EmbeddedIndex(tmp_path / "search-index.db")
    index.upsert_many(transaction(number, dated_at=datetime(2026, 3, 1, number, tzinfo=UTC)) for number in (1, 2))
    last_run = FILED + timedelta(days=1)
    saved_searches = sa.table(
        "saved_searches",
        sa.column("filters", sa.JSON),
        *(
            sa.column(name)
            for name in (
                "id",
                "user_id",
                "name",
                "schedule",
                "share_token",
                "next_run_at",
                "last_run_at",
                "watermark_dated_at",
                "watermark_id",
                "public_next_run_at",
                "public_watermark_dated_at",
                "public_watermark_id",
                "created_at",
                "updated_at",
            )
        ),
    )
    before = Database(url)
    with before.engine.begin() as connection:
        # Its last runs saw the first two matches, by their dates.
        connection.execute(
            sa.insert(saved_searches).values(
                id="s-1",
                user_id="user-1",
                name="Sacramento giving",
                filters=stored_filters(SearchFilters().load({"city": ["Sacramento"]})),
                schedule="daily",
                share_token="S" * 43,
                next_run_at=last_run + timedelta(days=1),
                last_run_at=last_run,
                watermark_dated_at=datetime(2026, 3, 1, 2, tzinfo=UTC),
                watermark_id="transaction:filing-1:A:2",
                public_next_run_at=last_run + timedelta(days=1),
                public_watermark_dated_at=datetime(2026, 3, 1, 2, tzinfo=UTC),
                public_watermark_id="transaction:filing-1:A:2",
                created_at=SCHEDULED_AT,
                updated_at=SCHEDULED_AT,
            )
        )
    before.dispose()
    upgrade(migrations_of("search"), url)
    database = Database(url)
    try:
        index.upsert_many(
            [
                # Newer by date, as the earlier rule told news.
                transaction(3, dated_at=datetime(2026, 3, 5, tzinfo=UTC)),
                # Filed after the owner's last run, dated long before.
                filed_late(1, last_run + timedelta(hours=2)),
                # Neither: filed before the last run, with old dates.
                filed_late(1, datetime(2019, 5, 1, tzinfo=UTC), filing="filing-old"),
            ]
        )
        due = last_run + timedelta(days=1)
        assert owner_run(database, index, due) == ["s-1"]
        assert public_run(database, index, due) == ["s-1"]
        # The owner's runs recorded when they ran: what was filed since is told too. The public runs did not: they
        # tell what the earlier rule would have, this once.
        assert new_results(database, "saved_search_matched") == [2]
        assert new_results(database, "shared_search_matched") == [1]
        with database.session() as session:
            saved = session.get_one(SavedSearch, "s-1")
            newest = (last_run + timedelta(hours=2), "transaction:filing-late:0:A:1")
            assert (saved.watermark_filed_at, saved.watermark_id, saved.watermark_dated_at) == (*newest, None)
            assert (saved.public_watermark_filed_at, saved.public_watermark_id) == newest
            assert saved.public_watermark_dated_at is None
        # From then on by filing date.
        index.upsert(filed_late(2, due + timedelta(hours=1)))
        next_day = due + timedelta(days=1)
        assert owner_run(database, index, next_day) == ["s-1"]
        assert public_run(database, index, next_day) == ["s-1"]
        assert new_results(database, "saved_search_matched") == [2, 1]
        assert new_results(database, "shared_search_matched") == [1, 1]
    finally:
        database.dispose()
