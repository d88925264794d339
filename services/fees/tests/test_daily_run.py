from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from cars_shared.events.envelope import read_event
from fees import cli, handlers
from fees.ledger import Actor, reverse
from fees.models import DailyRun, LatePaymentCheck
from fees.runs import daily
from fees.staff import handlers as staff
from fees.staff.handlers import Clerk

CLERK = Clerk("staff-1", "10.0.0.1")
DUE = date(2026, 3, 17)
"""The registration fee of an entity registered on 2026-03-02 is due 15 days later."""


@pytest.fixture
def fee(database, registered, ledger_of):
    with database.session() as session:
        handlers.record_registration(session, registered(registered_on=date(2026, 3, 2)), today=date(2026, 3, 2))
    [entry] = ledger_of()
    return entry


def credit(database, cents, on):
    """A credit applied to the oldest charges first, effective on `on` (as a payment would be)."""
    with database.session() as session:
        staff.adjust(
            session, CLERK, "2000001", amount_cents=-cents, reason="Cheque 1042 received", item_id=None, today=on
        )


def penalties(ledger_of):
    return [entry for entry in ledger_of() if entry.kind == "late_payment_penalty"]


def outcome(database, fee):
    with database.session() as session:
        return session.get(LatePaymentCheck, fee.id).outcome


def test_a_fee_unpaid_after_its_due_date_draws_the_penalty_once(database, fee, ledger_of, queued):
    daily.run_daily(database, date(2026, 3, 18), "test")
    daily.run_daily(database, date(2026, 3, 18), "test")
    daily.run_daily(database, date(2026, 3, 19), "test")
    [penalty] = penalties(ledger_of)
    assert (penalty.amount_cents, penalty.fee_year, penalty.due_on) == (15000, 2026, date(2026, 3, 18))
    [event] = queued("penalty_assessed")
    assert read_event(event)["payload"]["fee_assessment_id"] == fee.id
    assert outcome(database, fee) == "penalized"


def test_no_penalty_on_the_due_date_itself(database, fee, ledger_of):
    daily.run_daily(database, DUE, "test")
    assert penalties(ledger_of) == []
    with database.session() as session:
        assert session.get(LatePaymentCheck, fee.id) is None


def test_a_fee_paid_by_its_due_date_draws_no_penalty(database, fee, ledger_of):
    credit(database, 5000, DUE)
    daily.run_daily(database, date(2026, 3, 18), "test")
    assert penalties(ledger_of) == []
    assert outcome(database, fee) == "paid_on_time"


def test_a_fee_paid_after_its_due_date_still_draws_the_penalty(database, fee, ledger_of):
    credit(database, 5000, date(2026, 3, 18))
    daily.run_daily(database, date(2026, 3, 20), "test")
    assert len(penalties(ledger_of)) == 1


def test_a_payment_goes_to_the_oldest_charge_first_so_a_newer_fee_can_still_be_late(
    database, fee, filing_late, ledger_of
):
    with database.session() as session:
        handlers.assess_late_filing(session, filing_late(days_late=3, due_on=date(2026, 2, 27)), today=date(2026, 3, 2))
    credit(database, 5000, date(2026, 3, 10))
    daily.run_daily(database, date(2026, 3, 18), "test")
    # The $50 paid the $30 fine first, leaving $20 of the fee unpaid on its due date.
    assert len(penalties(ledger_of)) == 1


def test_a_fee_reversed_before_the_check_draws_no_penalty(database, fee, ledger_of):
    with database.session() as session:
        reverse(session, session.merge(fee), Actor.staff("staff-1"), "Registered in error", date(2026, 3, 10))
    daily.run_daily(database, date(2026, 3, 18), "test")
    assert penalties(ledger_of) == []
    assert outcome(database, fee) == "withdrawn"


def test_a_missing_filing_accrues_ten_dollars_a_day_up_to_the_cap(database, filing_late, ledger_of, queued):
    with database.session() as session:
        handlers.assess_late_filing(session, filing_late(days_late=3), today=date(2026, 8, 3))
    daily.run_daily(database, date(2026, 8, 4), "test")
    daily.run_daily(database, date(2026, 8, 4), "test")
    daily.run_daily(database, date(2026, 8, 7), "test")
    assert [entry.amount_cents for entry in ledger_of()] == [3000, 1000, 3000]
    daily.run_daily(database, date(2026, 8, 20), "test")
    daily.run_daily(database, date(2026, 8, 21), "test")
    assert sum(entry.amount_cents for entry in ledger_of()) == 10000
    assert [read_event(event)["payload"]["fine_cents"] for event in queued("fine_assessed")] == [
        3000,
        4000,
        7000,
        10000,
    ]


def test_a_waived_fine_accrues_no_more(database, filing_late, ledger_of):
    with database.session() as session:
        fine = handlers.assess_late_filing(session, filing_late(days_late=3), today=date(2026, 8, 3))
    with database.session() as session:
        staff.waive_fine(
            session,
            CLERK,
            "2000001",
            fine.item_id,
            reason="Not wilful: office flood",
            wilful=False,
            today=date(2026, 8, 3),
        )
    daily.run_daily(database, date(2026, 8, 10), "test")
    assert [entry.kind for entry in ledger_of()] == ["late_filing_fine", "waiver"]
    assert sum(entry.amount_cents for entry in ledger_of()) == 0


def test_an_unpaid_fee_is_reminded_of_once_a_week_before_its_due_date(database, fee, queued):
    daily.run_daily(database, date(2026, 3, 9), "test")
    assert queued("payment_reminder_due") == []
    daily.run_daily(database, date(2026, 3, 10), "test")
    daily.run_daily(database, date(2026, 3, 10), "test")
    daily.run_daily(database, date(2026, 3, 11), "test")
    [reminder] = [read_event(event)["payload"] for event in queued("payment_reminder_due")]
    assert (reminder["item_id"], reminder["open_cents"], reminder["due_date"], reminder["days_before"]) == (
        fee.id,
        5000,
        DUE,
        7,
    )


def test_a_paid_fee_is_not_reminded_of(database, fee, queued):
    credit(database, 5000, date(2026, 3, 5))
    daily.run_daily(database, date(2026, 3, 10), "test")
    assert queued("payment_reminder_due") == []


def test_the_timer_runs_once_a_day_and_records_what_it_did(database, fee):
    assert daily.run_if_due(database, now=datetime(2026, 3, 18, 17, tzinfo=UTC)).penalties == 1
    assert daily.run_if_due(database, now=datetime(2026, 3, 18, 18, tzinfo=UTC)) is None
    with database.session() as session:
        run = session.scalars(select(DailyRun)).one()
    assert (run.as_of, run.requested_by, run.penalties, run.finished_at is not None) == (
        date(2026, 3, 18),
        "daily timer",
        1,
        True,
    )


def test_the_console_command_runs_a_given_day(database, fee, capsys):
    assert cli.main(["daily", "--as-of", "2026-03-18"], database=database) == 0
    out = capsys.readouterr().out
    assert "as of 2026-03-18: 1 late payment penalties, 0 late filing fine entries, 0 reminders" in out


def test_the_daily_run_works_on_the_local_sqlite_database(migrated_sqlite, registered, filing_late):
    database = migrated_sqlite("fees")
    with database.session() as session:
        handlers.record_registration(session, registered(registered_on=date(2026, 3, 2)), today=date(2026, 3, 2))
        handlers.assess_late_filing(session, filing_late(days_late=3, due_on=date(2026, 3, 1)), today=date(2026, 3, 4))
    run = daily.run_daily(database, date(2026, 3, 18), "test")
    assert (run.penalties, run.fine_entries, run.reminders) == (1, 1, 0)


def test_a_fee_due_on_a_holiday_weekend_draws_no_penalty_until_the_next_business_day_passed(
    database, registered, ledger_of
):
    # Registered January 28, 2027: 15 days later is Lincoln Day (Friday), then a weekend and Presidents' Day.
    with database.session() as session:
        handlers.record_registration(session, registered(registered_on=date(2027, 1, 28)), today=date(2027, 1, 28))
    [fee] = ledger_of()
    assert fee.due_on == date(2027, 2, 16)
    daily.run_daily(database, date(2027, 2, 13), "test")
    daily.run_daily(database, date(2027, 2, 16), "test")
    credit(database, 5000, date(2027, 2, 16))
    daily.run_daily(database, date(2027, 2, 17), "test")
    assert penalties(ledger_of) == []
    assert outcome(database, fee) == "paid_on_time"
