import threading
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from fees import ledger
from fees.domain.ledger import EntryKind
from fees.ledger import Actor


def try_lock_elsewhere(database, entity_id):
    """Whether another transaction gets the account's lock within a fifth of a second."""
    outcome = {}

    def attempt():
        try:
            with database.session() as session:
                session.execute(text("SET LOCAL lock_timeout = '200ms'"))
                ledger.lock_account(session, entity_id)
            outcome["locked"] = True
        except OperationalError:
            outcome["locked"] = False

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(10)
    return outcome["locked"]


def test_one_writer_at_a_time_holds_an_account(database):
    with database.session() as session:
        ledger.lock_account(session, "2000001")
        assert not try_lock_elsewhere(database, "2000001")
        assert try_lock_elsewhere(database, "2000002")
    assert try_lock_elsewhere(database, "2000001")


def test_an_entry_with_a_key_is_made_once(database):
    def credit():
        return ledger.new_entry(
            "2000001",
            EntryKind.ADJUSTMENT,
            -500,
            Actor.staff("staff-1"),
            effective_on=date(2026, 3, 2),
            description="Adjustment",
            entry_key="adjustment:request-1",
            reason="Goodwill",
        )

    with database.session() as session:
        ledger.append(session, credit(), "ledger_adjusted", {"reason": "Goodwill"})
    with pytest.raises(IntegrityError, match="entry_key"), database.session() as session:
        ledger.append(session, credit(), "ledger_adjusted", {"reason": "Goodwill"})


def test_zero_cents_is_not_an_entry():
    with pytest.raises(ValueError, match="zero"):
        ledger.new_entry(
            "2000001", EntryKind.ADJUSTMENT, 0, Actor.staff("s"), effective_on=date(2026, 1, 1), description=""
        )
