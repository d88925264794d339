from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from cars_shared.events.envelope import read_event
from cars_shared.messaging_tables import outbox
from fees import cli, handlers
from fees.bulk_events import queue_events
from fees.ledger import Actor
from fees.models import AssessmentRun, Entity, LedgerEntry
from fees.runs import yearly

NEW_YEAR = date(2026, 1, 1)


def entity(entity_id, entity_type="recipient_committee", registered_on=date(2024, 6, 1), terminated_on=None, form=None):
    return Entity(
        entity_id=entity_id,
        name=f"Entity {entity_id}",
        entity_type=entity_type,
        registered_on=registered_on,
        terminated_on=terminated_on,
        registration_form=form,
        name_amendment=0,
        updated_at=datetime.now(UTC),
    )


OWING = {"2000001", "2000003", "2000006"}


@pytest.fixture
def entities(database):
    with database.session() as session:
        session.add_all(
            [
                entity("2000001", registered_on=date(2025, 3, 1)),
                entity("2000002", registered_on=date(2025, 11, 1)),
                entity("2000003", "lobbying_firm", registered_on=date(2025, 11, 1)),
                entity("2000004", "candidate"),
                entity("2000005", terminated_on=date(2025, 12, 31)),
                entity("2000006", terminated_on=date(2026, 2, 1)),
                entity("2000007", registered_on=date(2026, 1, 5)),
                entity("2000008", registered_on=None),
            ]
        )
    return database


def charged(database, fee_year=2026):
    with database.session() as session:
        return session.scalars(
            select(LedgerEntry.entity_id).where(LedgerEntry.rule == "annual_fee", LedgerEntry.fee_year == fee_year)
        ).all()


def test_the_yearly_run_skips_employers_on_file_only_by_their_form_635_reports(database):
    with database.session() as session:
        session.add_all(
            [
                entity("2000011", "lobbyist_employer", form="F635"),
                entity("2000012", "lobbying_coalition", form="F635"),
                entity("2000013", "lobbyist_employer", form="F603"),
                entity("2000014", "lobbyist_employer"),
            ]
        )
    run = yearly.assess_year(database, 2026, "test", assessed_on=NEW_YEAR)
    assert sorted(charged(database)) == ["2000013", "2000014"]
    assert run.entities_to_assess == 2


def test_the_yearly_run_charges_every_entity_owing_the_year_and_sends_fee_assessed(entities, queued):
    run = yearly.assess_year(entities, 2026, "test", assessed_on=NEW_YEAR, batch_size=2)
    assert sorted(charged(entities)) == sorted(OWING)
    events = [read_event(envelope) for envelope in queued("fee_assessed")]
    assert sorted(event["payload"]["entity_id"] for event in events) == sorted(OWING)
    assert {(event["payload"]["due_date"], event["payload"]["amount_cents"]) for event in events} == {
        (date(2026, 1, 15), 5000)
    }
    assert {event["correlation_id"] for event in events} == {run.run_id}
    assert (run.entities_to_assess, run.entities_assessed, run.finished_at is not None) == (3, 3, True)


def test_each_fee_assessed_names_its_ledger_entry_as_the_assessment(entities, queued):
    yearly.assess_year(entities, 2026, "test", assessed_on=NEW_YEAR)
    with entities.session() as session:
        entry_ids = set(session.scalars(select(LedgerEntry.id).where(LedgerEntry.rule == "annual_fee")))
    assert {envelope["payload"]["assessment_id"] for envelope in queued("fee_assessed")} == entry_ids


def test_a_rerun_of_the_year_charges_no_one_twice(entities, queued):
    yearly.assess_year(entities, 2026, "test", assessed_on=NEW_YEAR)
    again = yearly.assess_year(entities, 2026, "test", assessed_on=NEW_YEAR)
    assert (again.entities_to_assess, again.entities_assessed) == (0, 0)
    assert len(charged(entities)) == 3
    assert len(queued("fee_assessed")) == 3


def test_an_interrupted_run_is_continued_where_it_stopped(entities, queued):
    def stop_after_first_batch(run):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        yearly.assess_year(entities, 2026, "test", assessed_on=NEW_YEAR, batch_size=1, progress=stop_after_first_batch)
    assert len(charged(entities)) == 1
    seen = []
    run = yearly.assess_year(entities, 2026, "test", assessed_on=NEW_YEAR, batch_size=1, progress=seen.append)
    assert sorted(charged(entities)) == sorted(OWING)
    assert len(queued("fee_assessed")) == 3
    assert (run.entities_to_assess, run.entities_assessed) == (3, 3)
    assert [progress.entities_assessed for progress in seen] == [2, 3, 3]
    with entities.session() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentRun)) == 1


def test_an_entity_charged_meanwhile_keeps_its_one_charge(entities, queued):
    with entities.session() as session:
        rows = session.execute(yearly.owing_the_year(2026, yearly.rule_of_year(2026))).all()
    actor = Actor.system("test")
    with entities.session() as session:
        assert yearly.charge_batch(session, rows[:1], 2026, NEW_YEAR, actor, "run-1") == 1
    with entities.session() as session:
        assert yearly.charge_batch(session, rows, 2026, NEW_YEAR, actor, "run-2") == 2
    assert len(charged(entities)) == 3
    assert len(queued("fee_assessed")) == 3


def test_a_year_assessed_late_is_due_fifteen_days_after(entities, queued):
    yearly.assess_year(entities, 2026, "test", assessed_on=date(2026, 11, 26))
    assert {envelope["payload"]["due_date"] for envelope in queued("fee_assessed")} == {"2026-12-11"}


def test_the_timer_runs_the_year_once(entities):
    assert yearly.run_if_due(entities, now=datetime(2026, 1, 1, 12, tzinfo=UTC)).entities_assessed == 3
    assert yearly.run_if_due(entities, now=datetime(2026, 1, 1, 13, tzinfo=UTC)) is None


def test_the_console_command_shows_progress(entities, capsys):
    argv = ["assess-year", "--year", "2026", "--as-of", "2026-01-01", "--batch-size", "2"]
    assert cli.main(argv, database=entities) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("2026:")]
    assert lines[0].startswith("2026: 2/3 entities assessed (67%), batch 1")
    assert lines[-2].startswith("2026: 3/3 entities assessed (100%)")
    assert lines[-1].startswith("2026: finished, 3 entities assessed")


def test_the_console_refuses_a_year_no_rule_covers(database, capsys):
    assert cli.main(["assess-year", "--year", "2001"], database=database) == 1
    assert "no annual fee rule in force" in capsys.readouterr().err


def test_events_queued_in_bulk_are_each_checked_against_the_contract(database):
    good = handlers.fee_assessed_payload("a-1", "2000001", "Friends", 2026, 5000, date(2026, 1, 15))
    with database.session() as session:
        assert queue_events(session, "fee_assessed", [good, {**good, "assessment_id": "a-2"}], correlation_id="r") == 2
        rows = session.scalars(select(outbox.c.envelope)).all()
    assert [read_event(row)["payload"]["assessment_id"] for row in rows] == ["a-1", "a-2"]
    assert len({row["event_id"] for row in rows}) == 2
    unlike = {**good, "assessment_id": "a-3", "due_date": "15 January"}
    with pytest.raises(ValidationError), database.session() as session:
        queue_events(session, "fee_assessed", [good, unlike], correlation_id="r")


def test_the_yearly_run_works_on_the_local_sqlite_database(migrated_sqlite):
    database = migrated_sqlite("fees")
    with database.session() as session:
        session.add_all([entity("2000001"), entity("2000002", "lobbyist_employer")])
    run = yearly.assess_year(database, 2026, "test", assessed_on=NEW_YEAR, batch_size=1)
    assert run.entities_assessed == 2
    assert yearly.assess_year(database, 2026, "test", assessed_on=NEW_YEAR).entities_assessed == 0
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(outbox)) == 2


def test_the_console_lists_the_runs_and_how_far_they_got(entities, capsys):
    yearly.assess_year(entities, 2026, "console:clerk", assessed_on=NEW_YEAR)
    assert cli.main(["runs"], database=entities) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("2026 ")]
    assert "finished: 3/3 assessed in 1 batches, by console:clerk" in line
