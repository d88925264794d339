import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import outbox
from cars_shared.worker import Store
from filings.deadlines import cli, handlers
from filings.deadlines.models import DeadlineRun, LateFiling
from filings.models import Entity, Filing
from filings.worker import FilingsWorker

CALIFORNIA = ZoneInfo("America/Los_Angeles")
ON_TIME, LATE, NEVER, TERMINATED, SANDBOX, JOINED_LATER = (
    "2000001",
    "2000002",
    "2000003",
    "2000004",
    "S0000001",
    "2000005",
)
FIRST_HALF = (date(2026, 1, 1), date(2026, 6, 30))
SECOND_HALF = (date(2026, 7, 1), date(2026, 12, 31))


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def at_noon_in_california(day):
    return datetime.combine(day, time(12, 0), tzinfo=CALIFORNIA)


def entity(entity_id, *, registered_on=date(2026, 1, 1), terminated_on=None, space="production"):
    return Entity(
        entity_id=entity_id,
        name=f"Committee {entity_id}",
        entity_type="recipient_committee",
        status="terminated" if terminated_on else "active",
        space=space,
        legacy=False,
        registered_on=registered_on,
        terminated_on=terminated_on,
        created_by="user-treasurer",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def filing(entity_id, period, filed_on, *, form="F460", filing_id=None, amendment=0, space="production", totals=None):
    return Filing(
        filing_id=filing_id or str(uuid.uuid4()),
        amendment=amendment,
        entity_id=entity_id,
        form=form,
        period_start=period[0],
        period_end=period[1],
        space=space,
        status="accepted",
        filed_at=at_noon_in_california(filed_on),
        filed_by="user-treasurer",
        records={},
        line_counts={},
        totals=totals or {},
        warnings=[],
    )


@pytest.fixture
def year_of_filers(database):
    """Committees filing 2026's semi-annual statements on time, late, never, until termination, or from mid-year.

    Every filing is stored up front; the check only counts what was filed by the day it checks.
    """
    late_first_half = str(uuid.uuid4())
    late_24_hour = str(uuid.uuid4())
    on_time_first_half = str(uuid.uuid4())
    with database.session() as session:
        session.add_all(
            [
                entity(ON_TIME),
                entity(LATE),
                entity(NEVER),
                entity(TERMINATED, terminated_on=date(2026, 5, 15)),
                entity(SANDBOX, space="sandbox"),
                entity(JOINED_LATER, registered_on=date(2026, 9, 15)),
            ]
        )
        session.flush()
        session.add_all(
            [
                filing(ON_TIME, FIRST_HALF, date(2026, 7, 20), filing_id=on_time_first_half),
                # An amendment filed after the deadline does not make the original late.
                filing(ON_TIME, FIRST_HALF, date(2026, 9, 1), filing_id=on_time_first_half, amendment=1),
                filing(ON_TIME, SECOND_HALF, date(2027, 1, 25)),
                filing(LATE, FIRST_HALF, date(2026, 8, 5), filing_id=late_first_half),
                filing(LATE, SECOND_HALF, date(2027, 1, 29)),
                # A $1,000 contribution on May 20, 13 days before the June 2 primary, reported on May 23.
                filing(
                    LATE, (date(2026, 5, 20), date(2026, 5, 20)), date(2026, 5, 23), form="F497", filing_id=late_24_hour
                ),
                # The final statement through the day of termination.
                filing(TERMINATED, (date(2026, 1, 1), date(2026, 5, 15)), date(2026, 5, 20)),
                # The short form, which an eligible committee files instead of Form 460.
                filing(JOINED_LATER, (date(2026, 9, 15), date(2026, 12, 31)), date(2027, 1, 20), form="F450"),
            ]
        )
    return {"late_first_half": late_first_half, "late_24_hour": late_24_hour}


def run_every_day(database, first_day, last_day):
    day = first_day
    while day <= last_day:
        handlers.run_daily_check(database, now=datetime.combine(day, time(1), tzinfo=CALIFORNIA))
        day += timedelta(days=1)


def published_late_filings(database):
    with database.session() as session:
        envelopes = session.scalars(
            select(outbox.c.envelope).where(outbox.c.event_type == "filing_late").order_by(outbox.c.id)
        ).all()
    return [read_event(envelope)["payload"] for envelope in envelopes]


def summary(payloads):
    return sorted(
        (
            p["entity_id"],
            p["form"],
            p["period_start"].isoformat(),
            p["due_on"].isoformat(),
            p["days_late"],
            p["filing_id"],
        )
        for p in payloads
    )


def late_rows(database):
    with database.session() as session:
        return sorted(
            (row.entity_id, row.form, row.period_start, row.found_on, row.found_missing, row.filing_id, row.days_late)
            for row in session.scalars(select(LateFiling))
        )


def test_a_year_of_daily_checks_publishes_each_late_filing_once_and_its_arrival_once(database, year_of_filers):
    run_every_day(database, date(2026, 1, 1), date(2027, 3, 1))

    assert summary(published_late_filings(database)) == sorted(
        [
            # Found missing the day after July 31, then filed on August 5: five days late in the end.
            (LATE, "F460", "2026-01-01", "2026-07-31", 1, None),
            (LATE, "F460", "2026-01-01", "2026-07-31", 5, year_of_filers["late_first_half"]),
            # Found filed late: due the day after the contribution, filed two days after that.
            (LATE, "F497", "2026-05-20", "2026-05-21", 2, year_of_filers["late_24_hour"]),
            (NEVER, "F460", "2026-01-01", "2026-07-31", 1, None),
            # January 31, 2027 is a Sunday: due Monday, February 1, found missing on February 2.
            (NEVER, "F460", "2026-07-01", "2027-02-01", 1, None),
        ]
    )
    with database.session() as session:
        runs = session.scalars(select(DeadlineRun).order_by(DeadlineRun.as_of)).all()
    assert len(runs) == (date(2027, 3, 1) - date(2026, 1, 1)).days + 1
    assert {run.requested_by for run in runs} == {handlers.DAILY_TIMER}
    assert sum(run.found_missing for run in runs) == 3
    assert sum(run.found_filed_late for run in runs) == 1
    assert sum(run.arrived for run in runs) == 1


def test_the_event_names_the_entity_and_form_in_plain_words(database, year_of_filers):
    handlers.check_deadlines(database, date(2026, 8, 1), "staff-1")

    never = [p for p in published_late_filings(database) if p["entity_id"] == NEVER]
    assert never == [
        {
            "entity_id": NEVER,
            "entity_name": f"Committee {NEVER}",
            "form": "F460",
            "form_name": "Recipient Committee Campaign Statement",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "due_on": date(2026, 7, 31),
            "days_late": 1,
            "filing_id": None,
            "reported_amount": None,
        }
    ]


def test_a_filing_late_before_any_check_saw_it_missing_is_published_once_with_its_filing(database, year_of_filers):
    handlers.check_deadlines(database, date(2026, 8, 10), "staff-1")

    late = [p for p in published_late_filings(database) if p["entity_id"] == LATE and p["form"] == "F460"]
    assert [(p["days_late"], p["filing_id"]) for p in late] == [(5, year_of_filers["late_first_half"])]


def test_a_late_filing_arriving_reports_its_cumulative_amount_from_its_latest_version(database):
    filing_id = str(uuid.uuid4())
    with database.session() as session:
        session.add(entity(LATE))
        session.flush()
        session.add_all(
            [
                filing(LATE, FIRST_HALF, date(2026, 8, 5), filing_id=filing_id, totals={"contributions_received": "9"}),
                filing(
                    LATE,
                    FIRST_HALF,
                    date(2026, 8, 6),
                    filing_id=filing_id,
                    amendment=1,
                    totals={
                        "contributions_received": "1500.00",
                        "expenditures_made": "250.50",
                        "ending_cash_balance": "9000.00",
                    },
                ),
            ]
        )
    handlers.check_deadlines(database, date(2026, 8, 3), "staff-1")
    handlers.check_deadlines(database, date(2026, 8, 7), "staff-1")

    missing, arrived = published_late_filings(database)
    assert (missing["filing_id"], missing["reported_amount"]) == (None, None)
    # Contributions received and expenditures made; the cash balance is not activity.
    assert (arrived["filing_id"], arrived["days_late"], arrived["reported_amount"]) == (
        filing_id,
        5,
        Decimal("1750.50"),
    )


def test_a_late_filing_stored_without_its_totals_reports_no_amount(database, year_of_filers):
    handlers.check_deadlines(database, date(2026, 8, 10), "staff-1")

    late = [p for p in published_late_filings(database) if p["entity_id"] == LATE]
    assert {p["reported_amount"] for p in late} == {None}


def test_rerunning_a_check_changes_nothing(database, year_of_filers):
    handlers.check_deadlines(database, date(2027, 3, 1), "staff-1")
    events, rows = published_late_filings(database), late_rows(database)

    again = handlers.check_deadlines(database, date(2027, 3, 1), "staff-2")
    earlier = handlers.check_deadlines(database, date(2026, 8, 3), "staff-2")

    assert published_late_filings(database) == events
    assert late_rows(database) == rows
    assert (again.found_missing, again.found_filed_late, again.arrived) == (0, 0, 0)
    assert (earlier.found_missing, earlier.found_filed_late, earlier.arrived) == (0, 0, 0)


def test_sandbox_and_terminated_entities_are_never_found_late(database, year_of_filers):
    handlers.check_deadlines(database, date(2027, 3, 1), "staff-1")

    entities = {p["entity_id"] for p in published_late_filings(database)}
    assert entities == {LATE, NEVER}


def test_the_daily_timer_checks_each_day_once(database, year_of_filers):
    morning = datetime(2026, 8, 1, 1, 0, tzinfo=CALIFORNIA)
    first = handlers.run_daily_check(database, now=morning)
    second = handlers.run_daily_check(database, now=morning + timedelta(hours=12))

    assert first is not None and first.as_of == date(2026, 8, 1) and first.finished_at is not None
    assert second is None


def test_checks_running_at_once_publish_each_late_filing_once(database, year_of_filers):
    barrier = threading.Barrier(4)
    failures = []

    def check(index):
        try:
            barrier.wait(timeout=10)
            handlers.check_deadlines(database, date(2027, 3, 1), f"staff-{index}", batch_size=2)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=check, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    payloads = published_late_filings(database)
    keys = [(p["entity_id"], p["form"], p["period_start"], p["filing_id"]) for p in payloads]
    assert len(keys) == len(set(keys)) == 4
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LateFiling)) == 4


def test_staff_run_the_check_for_a_day_from_a_console(database, year_of_filers, capsys):
    assert cli.main(["check", "--as-of", "2026-08-03"], database=database) == 0

    assert "as of 2026-08-03: 4 entities checked, 2 missing, 1 filed late, 0 arrived late" in capsys.readouterr().out
    with database.session() as session:
        (run,) = session.scalars(select(DeadlineRun)).all()
    assert run.requested_by.startswith("console")


def test_the_worker_timer_runs_the_check_for_today_in_california(database, year_of_filers):
    worker = worker_factory(FilingsWorker, store=Store(database, consumer=None))

    worker.check_deadlines()
    worker.check_deadlines()

    with database.session() as session:
        runs = session.scalars(select(DeadlineRun)).all()
    assert [(run.as_of, run.requested_by) for run in runs] == [(handlers.california_today(), handlers.DAILY_TIMER)]


def test_a_migrated_entity_is_not_found_late_for_what_fell_due_while_cal_access_kept_its_filings(database):
    migrated = entity("1234567", registered_on=date(1998, 4, 1))
    migrated.legacy, migrated.created_at = True, at_noon_in_california(date(2026, 3, 2))
    with database.session() as session:
        session.add(migrated)

    handlers.check_deadlines(database, date(2026, 7, 1), "staff-1")
    assert published_late_filings(database) == []

    handlers.check_deadlines(database, date(2026, 8, 1), "staff-1")
    assert [(p["period_start"], p["due_on"]) for p in published_late_filings(database)] == [
        (date(2026, 1, 1), date(2026, 7, 31))
    ]
