from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cars_shared.db import Database
from cars_shared.migrate import upgrade
from fees import MIGRATIONS_DIR, handlers
from fees.ledger import Actor
from fees.staff.handlers import Clerk, log_action

CHANGES = {
    "ledger_entries": ["UPDATE ledger_entries SET amount_cents = 1", "DELETE FROM ledger_entries"],
    "staff_actions": ["UPDATE staff_actions SET outcome = 'done'", "DELETE FROM staff_actions"],
}


def seed(database, registered):
    with database.session() as session:
        handlers.record_registration(session, registered(), today=date(2026, 3, 2))
        log_action(
            session,
            Clerk("staff-1", "10.0.0.1"),
            "adjust",
            entity_id="2000001",
            target_id=None,
            detail={},
            outcome="done",
        )


def refused(database, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        with database.session() as session:
            session.execute(text(statement))


@pytest.mark.parametrize("table", sorted(CHANGES))
def test_postgresql_refuses_to_change_or_delete_ledger_entries_and_staff_actions(database, registered, table):
    seed(database, registered)
    for statement in [*CHANGES[table], f"TRUNCATE {table}"]:
        refused(database, statement)


@pytest.mark.parametrize("table", sorted(CHANGES))
def test_the_local_sqlite_database_refuses_them_too(migrated_sqlite, registered, table):
    database = migrated_sqlite("fees")
    seed(database, registered)
    for statement in CHANGES[table]:
        refused(database, statement)


def test_a_correction_is_a_reversal_entry_and_the_reversed_entry_stays(database, registered, ledger_of):
    seed(database, registered)
    [fee] = ledger_of()
    with database.session() as session:
        handlers.ledger.reverse(session, fee, Actor.staff("staff-1"), "Charged in error", date(2026, 3, 5))
    entries = ledger_of()
    assert [(entry.kind, entry.amount_cents, entry.reverses_id) for entry in entries] == [
        ("annual_fee", 5000, None),
        ("reversal", -5000, fee.id),
    ]


def test_annual_fees_recorded_before_the_ledger_become_its_entries_under_the_same_ids(postgres_url):
    url = postgres_url("fees")
    upgrade(MIGRATIONS_DIR, url, "0001")
    database = Database(url)
    try:
        with database.session() as session:
            session.execute(
                text(
                    "INSERT INTO fee_assessments VALUES ('assessment-1', '1400001', 'Friends of Example', 2026, 5000, "
                    "15000, '2026-03-17', :at, 'event-1')"
                ),
                {"at": datetime(2026, 3, 3, 1, 30, tzinfo=UTC)},
            )
        upgrade(MIGRATIONS_DIR, url)
        with database.session() as session:
            row = session.execute(
                text("SELECT id, item_id, kind, amount_cents, rule, period, due_on, effective_on FROM ledger_entries")
            ).one()
    finally:
        database.dispose()
    # 01:30 UTC on March 3 is still March 2 in California.
    assert tuple(row) == (
        "assessment-1",
        "assessment-1",
        "annual_fee",
        5000,
        "annual_fee",
        "2026",
        date(2026, 3, 17),
        date(2026, 3, 2),
    )
