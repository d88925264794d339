from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from cars_shared.db_types import UtcDateTime

PACIFIC_DAYLIGHT = timezone(timedelta(hours=-7))

stamps = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime))


@pytest.fixture
def stamp_table(database):
    stamps.create(database.engine)
    yield database
    stamps.drop(database.engine)


def stored_and_read(database, value):
    with database.session() as session:
        session.execute(insert(stamps).values(id=1, at=value))
    with database.session() as session:
        return session.scalar(select(stamps.c.at))


def test_a_timestamp_reads_back_aware_and_at_the_same_instant(stamp_table):
    read = stored_and_read(stamp_table, datetime(2026, 3, 2, 10, 0, tzinfo=PACIFIC_DAYLIGHT))
    assert read.tzinfo is not None
    assert read == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def test_no_timestamp_stays_none(stamp_table):
    assert stored_and_read(stamp_table, None) is None


def test_a_naive_timestamp_is_refused(stamp_table):
    with pytest.raises(StatementError, match="naive datetime"):
        stored_and_read(stamp_table, datetime(2026, 3, 2, 17, 0))
