import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from accounts.audit.log import chain_entry, record
from accounts.audit.models import AuditChainHead, AuditEntry
from accounts.domain.audit_chain import GENESIS_HASH, verify_chain


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


def append(database, action="link_approved", **fields):
    with database.session() as session:
        record(
            session,
            actor_id=fields.get("actor_id", "staff-1"),
            action=action,
            target=fields.get("target", "entity:1400001"),
            outcome=fields.get("outcome", "success"),
            client=fields.get("client", "203.0.113.9"),
            detail=fields.get("detail", {"role": "officer"}),
        )


def stored(database):
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)).all()
        head = session.get(AuditChainHead, 1)
        return [chain_entry(entry) for entry in entries], head.last_hash


def test_record_appends_entries_linked_by_hash(database):
    append(database, "user_created")
    append(database, "link_approved")
    entries, head_hash = stored(database)
    assert [entry.sequence for entry in entries] == [1, 2]
    assert entries[0].previous_hash == GENESIS_HASH
    assert entries[1].previous_hash == entries[0].hash == entries[1].previous_hash
    assert verify_chain(entries, head_hash).intact


def test_a_record_rolls_back_with_the_callers_transaction(database):
    with pytest.raises(RuntimeError), database.session() as session:
        record(session, actor_id="staff-1", action="x", target=None, outcome="success", client=None)
        raise RuntimeError("use case failed")
    append(database)
    entries, head_hash = stored(database)
    assert [entry.sequence for entry in entries] == [1]
    assert verify_chain(entries, head_hash).intact


def test_concurrent_appends_never_fork_the_chain(database):
    errors = []

    def writer(number):
        try:
            for index in range(5):
                append(database, f"action_{number}_{index}")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries, head_hash = stored(database)
    assert errors == []
    assert [entry.sequence for entry in entries] == list(range(1, 31))
    assert verify_chain(entries, head_hash).intact


def test_the_database_refuses_updates_and_deletes_of_entries(database):
    append(database)
    with pytest.raises(DBAPIError, match="append-only"), database.session() as session:
        session.execute(text("UPDATE audit_log SET outcome = 'failure'"))
    with pytest.raises(DBAPIError, match="append-only"), database.session() as session:
        session.execute(text("DELETE FROM audit_log"))


def test_a_tampered_entry_fails_verification(database):
    append(database, "link_approved")
    append(database, "link_denied")
    with database.session() as session:
        # Someone with superuser rights can bypass the trigger; the chain still shows the edit.
        session.execute(text("SET LOCAL session_replication_role = replica"))
        session.execute(text("UPDATE audit_log SET outcome = 'failure' WHERE sequence = 1"))
    entries, head_hash = stored(database)
    verdict = verify_chain(entries, head_hash)
    assert (verdict.intact, verdict.broken_at) == (False, 1)


def test_record_works_on_sqlite(migrated_sqlite):
    database = migrated_sqlite("accounts")
    append(database)
    append(database, detail={"count": 2})
    entries, head_hash = stored(database)
    assert verify_chain(entries, head_hash).intact
