import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from cars_shared.web.auth import Principal
from filings.domain.forms.declaration import PartKind
from filings.examples import example
from filings.models import Entity, Filing, FilingLine
from filings.permissions import Caller
from filings.versions import handlers
from filings.versions.visibility import ANYONE, Reader

LOBBYIST = "2000031"
FILED = datetime(2026, 4, 20, 17, 0, tzinfo=UTC)
STAFF = Reader(is_staff=True)
ACME = Reader(sandbox_vendor_id="vendor-acme")


def test_production_filings_are_for_everyone():
    assert ANYONE.may_read("production", None)
    assert ANYONE.may_read("production", "vendor-acme")


def test_a_sandbox_filing_is_for_its_vendor_and_staff_only():
    assert ACME.may_read("sandbox", "vendor-acme")
    assert STAFF.may_read("sandbox", "vendor-acme")
    assert not ANYONE.may_read("sandbox", "vendor-acme")
    assert not Reader(sandbox_vendor_id="vendor-other").may_read("sandbox", "vendor-acme")
    assert not ACME.may_read("sandbox", None)


def reader_of(roles, **claims):
    """The reader a token makes, as far as the sandbox goes (the caller, which decides the full view, left out)."""
    return replace(Reader.of(Caller.of(Principal("subject-1", "someone", tuple(roles), claims))), caller=None)


def test_only_a_vendor_token_of_the_sandbox_scope_reads_the_sandbox():
    sandbox = {"vendor_id": "vendor-acme", "scope": "sandbox"}

    assert reader_of(["vendor"], **sandbox) == ACME
    assert reader_of(["vendor"], **{**sandbox, "scope": "production"}) == ANYONE
    assert reader_of(["filer"], **sandbox) == ANYONE, "a person's token naming a vendor is not the vendor"
    assert reader_of(["vendor"], **{**sandbox, "vendor_id": ""}) == ANYONE
    assert reader_of(["staff"]) == STAFF


@pytest.fixture
def database(migrated_database):
    database = migrated_database("filings")
    with database.session() as session:
        session.add(
            Entity(
                entity_id=LOBBYIST,
                name="Riley Thompson",
                entity_type="lobbyist",
                status="active",
                registered_on=date(2026, 1, 12),
                created_by="user-lobbyist",
                created_at=FILED,
            )
        )
    return database


def store_expenses(database, filing_id, amendment, amounts):
    """A Form 615 version whose activity expenses have the given amounts (descriptions number them)."""
    document = example("F615")
    expense = document["parts"]["activity_expenses"][0]
    with database.session() as session:
        session.add(
            Filing(
                filing_id=filing_id,
                amendment=amendment,
                entity_id=LOBBYIST,
                form="F615",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 3, 31),
                status="accepted",
                filed_at=FILED,
                filed_by="user-lobbyist",
                signer_name="Riley Thompson",
                records={"cover": document["parts"]["cover"], "summary": document["parts"]["summary"]},
                line_counts={"activity_expenses": len(amounts)},
                totals={},
                warnings=[],
            )
        )
        session.add_all(
            FilingLine(
                filing_id=filing_id,
                amendment=amendment,
                part="activity_expenses",
                line=number,
                data={**expense, "description": f"Expense {number}", "amount": amount},
            )
            for number, amount in enumerate(amounts, start=1)
        )


def count_queries(database):
    queries = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    return queries


def test_a_whole_part_is_read_a_chunk_at_a_time(database, monkeypatch):
    monkeypatch.setattr(handlers, "LINES_CHUNK", 10)
    filing_id = str(uuid.uuid4())
    store_expenses(database, filing_id, 0, ["10.00"] * 25)
    queries = count_queries(database)

    with database.session() as session:
        filing = session.get(Filing, (filing_id, 0))
        queries.clear()
        part = handlers.part_in_view(handlers.form_of(filing), "activity_expenses", PartKind.LINES)
        lines = list(handlers.lines_in_view(session, filing, part))

    assert [number for number, _ in lines] == list(range(1, 26))
    assert len(queries) == 3
    assert all("payee_street" not in data for _, data in lines)


def test_a_diff_of_long_schedules_counts_every_change_and_lists_the_first(database, monkeypatch):
    monkeypatch.setattr(handlers, "LINES_CHUNK", 100)
    filing_id = str(uuid.uuid4())
    original = ["10.00"] * 1000
    amended = [("11.00" if number % 100 == 0 else "10.00") for number in range(1, 1001)] + ["5.00"] * 20
    store_expenses(database, filing_id, 0, original)
    store_expenses(database, filing_id, 1, amended)

    with database.session() as session:
        older, newer = session.get(Filing, (filing_id, 0)), session.get(Filing, (filing_id, 1))
        found = handlers.diff(session, older, newer, limit=5)

    [expenses] = found["lines"]
    assert (expenses["added"], expenses["removed"], expenses["changed"]) == (20, 0, 10)
    assert [change["line"] for change in expenses["line_changes"]] == [100, 200, 300, 400, 500]
    assert expenses["next_after"] == 500
    assert found["records"] == [] and found["changes"] == []


def test_a_diff_page_continues_after_the_line_the_previous_one_ended_on(database):
    filing_id = str(uuid.uuid4())
    store_expenses(database, filing_id, 0, ["10.00"] * 50)
    store_expenses(database, filing_id, 1, ["10.00"] * 40 + ["20.00"] * 10)

    with database.session() as session:
        older, newer = session.get(Filing, (filing_id, 0)), session.get(Filing, (filing_id, 1))
        part = handlers.part_in_view(handlers.form_of(newer), "activity_expenses", PartKind.LINES)
        page = handlers.diff_lines_page(session, older, newer, part, after=45, limit=3)

    assert [change["line"] for change in page["line_changes"]] == [46, 47, 48]
    assert page["next_after"] == 48


def test_a_filing_of_a_form_no_longer_declared_shows_no_parts(database):
    filing_id = str(uuid.uuid4())
    store_expenses(database, filing_id, 0, ["10.00"])
    with database.session() as session:
        session.get(Filing, (filing_id, 0)).form = "F999"

    with database.session() as session:
        filing, latest = handlers.version(session, filing_id, None, ANYONE)
        shown = handlers.as_version(filing, latest, "Riley Thompson")

    assert (shown["form_name"], shown["parts"]) == ("F999", [])


def store_contributions(database, filing_id, amendment, transaction_ids, amount="100.00"):
    """A Form 460 version whose Schedule A lines carry the given transaction IDs, in that order."""
    contribution = example("F460")["parts"]["schedule_a"][0]
    with database.session() as session:
        session.add(
            Filing(
                filing_id=filing_id,
                amendment=amendment,
                entity_id=LOBBYIST,
                form="F460",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 6, 30),
                status="accepted",
                filed_at=FILED,
                filed_by="user-treasurer",
                signer_name="Terry Okafor",
                records={},
                line_counts={"schedule_a": len(transaction_ids)},
                totals={},
                warnings=[],
            )
        )
        session.add_all(
            FilingLine(
                filing_id=filing_id,
                amendment=amendment,
                part="schedule_a",
                line=number,
                data={**contribution, "amount": amount, "transaction_id": transaction_id},
            )
            for number, transaction_id in enumerate(transaction_ids, start=1)
        )


def test_lines_with_transaction_ids_match_by_them_and_page_by_changes_listed(database):
    filing_id = str(uuid.uuid4())
    kept = [f"A-{number:04d}" for number in range(1, 301)]
    store_contributions(database, filing_id, 0, kept)
    store_contributions(database, filing_id, 1, ["NEW-1", "NEW-2", "NEW-3", *kept])

    with database.session() as session:
        older, newer = session.get(Filing, (filing_id, 0)), session.get(Filing, (filing_id, 1))
        first = handlers.diff(session, older, newer, limit=2)
        part = handlers.part_in_view(handlers.form_of(newer), "schedule_a", PartKind.LINES)
        rest = handlers.diff_lines_page(session, older, newer, part, after=first["lines"][0]["next_after"], limit=2)

    [schedule_a] = first["lines"]
    assert (schedule_a["added"], schedule_a["removed"], schedule_a["changed"]) == (3, 0, 0)
    assert [change["new_line"] for change in schedule_a["line_changes"]] == [1, 2]
    assert schedule_a["next_after"] == 2
    assert [change["new_line"] for change in rest["line_changes"]] == [3]
    assert rest["next_after"] is None


def test_lines_of_a_part_without_transaction_ids_match_by_position(database):
    filing_id = str(uuid.uuid4())
    store_expenses(database, filing_id, 0, ["10.00", "20.00"])
    store_expenses(database, filing_id, 1, ["5.00", "10.00", "20.00"])

    with database.session() as session:
        found = handlers.diff(session, session.get(Filing, (filing_id, 0)), session.get(Filing, (filing_id, 1)), 10)

    [expenses] = found["lines"]
    assert (expenses["added"], expenses["changed"]) == (1, 2)
