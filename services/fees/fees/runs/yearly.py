"""The yearly assessment run: every entity owing a year's annual fee is charged it and sent fee_assessed.

Batches of entities, each its own transaction, in entity id order. A run interrupted part-way keeps what
it charged; running it again (the timer, or `cars-fees assess-year`) continues the same run with the
entities still uncharged, and no entity is ever charged a year's fee twice (the ledger's unique key).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, text, update
from sqlalchemy.orm import Session

from cars_shared.db import Database
from cars_shared.logging import get_logger
from fees import handlers
from fees.bulk_events import queue_events
from fees.bulk_insert import insert_rows
from fees.domain.annual_fee import AnnualFeeRule, FeeEntity, owes_yearly_fee, rule_of_year, yearly_fee
from fees.domain.calendar import california_today
from fees.ledger import Actor
from fees.models import AssessmentRun, Entity, LedgerEntry

log = get_logger(__name__)

YEARLY_TIMER = "yearly timer"
BATCH_SIZE = 1000
YEARLY_RUN_LOCK_KEY = 0x0FEE5
"""Advisory lock key: one batch of any replica's run at a time, so two runs do not race for the same rows."""

Progress = Callable[[AssessmentRun], None]


def owing_the_year(fee_year: int, rule: AnnualFeeRule) -> Select[Any]:
    """Entities that owe `fee_year`'s fee and were not charged it yet (the SQL form of `owes_yearly_fee`)."""
    year_begins = date(fee_year, 1, 1)
    formed_late_from = date(fee_year - 1, rule.exempt_next_year_from_month, 1)
    charged = select(LedgerEntry.seq).where(
        LedgerEntry.entity_id == Entity.entity_id,
        LedgerEntry.rule == handlers.ANNUAL_FEE,
        LedgerEntry.period == str(fee_year),
    )
    # A lobbying entity on file only by its reports owes nothing (null: not stated, taken as registered).
    report_only = and_(
        Entity.entity_type.in_(sorted(rule.lobbying_types)),
        func.coalesce(Entity.registration_form, "").in_(sorted(rule.report_only_registrations)),
    )
    return select(
        Entity.entity_id,
        Entity.name,
        Entity.entity_type,
        Entity.registered_on,
        Entity.terminated_on,
        Entity.registration_form,
    ).where(
        Entity.entity_type.in_(sorted(rule.committee_types | rule.lobbying_types)),
        Entity.registered_on < year_begins,
        or_(Entity.terminated_on.is_(None), Entity.terminated_on >= year_begins),
        ~and_(Entity.entity_type.in_(sorted(rule.committee_types)), Entity.registered_on >= formed_late_from),
        ~report_only,
        ~exists(charged),
    )


def charge_batch(
    session: Session, entities: Sequence[Any], fee_year: int, assessed_on: date, actor: Actor, run_id: str
) -> int:
    """Charge the year's fee to each entity that owes it (the rule decides), queue fee_assessed; how many."""
    fee = yearly_fee(fee_year, assessed_on)
    recorded_at = datetime.now(UTC)
    charges = [
        (entity, handlers.annual_fee_values(entity.entity_id, fee, actor, assessed_on, recorded_at=recorded_at))
        for entity in entities
        if owes_yearly_fee(
            FeeEntity(entity.entity_type, entity.registered_on, entity.terminated_on, entity.registration_form),
            fee_year,
        )
    ]
    if not charges:
        return 0
    ledger_table = LedgerEntry.__table__
    # An entity charged meanwhile (its registration, another run) keeps its one charge: this insert skips it.
    inserted = set(
        insert_rows(
            session,
            ledger_table,
            [values for _entity, values in charges],
            skip_conflicts=True,
            returning=ledger_table.c.id,
        )
    )
    payloads = [
        handlers.fee_assessed_payload(
            values["id"], entity.entity_id, entity.name, fee.fee_year, fee.amount_cents, fee.due_on
        )
        for entity, values in charges
        if values["id"] in inserted
    ]
    return queue_events(session, "fee_assessed", payloads, correlation_id=run_id)


def _unfinished_run(session: Session, fee_year: int) -> AssessmentRun | None:
    return session.scalar(
        select(AssessmentRun)
        .where(AssessmentRun.fee_year == fee_year, AssessmentRun.finished_at.is_(None))
        .order_by(AssessmentRun.started_at.desc())
        .limit(1)
    )


def assess_year(
    database: Database,
    fee_year: int,
    requested_by: str,
    *,
    assessed_on: date | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> AssessmentRun:
    """Charge `fee_year`'s annual fee to every entity owing it, batch by batch; continues an unfinished run."""
    assessed_on = assessed_on or california_today()
    rule = rule_of_year(fee_year)
    owing = owing_the_year(fee_year, rule)
    with database.session() as session:
        run = _unfinished_run(session, fee_year)
        if run is None:
            run = AssessmentRun(
                run_id=str(uuid.uuid4()),
                fee_year=fee_year,
                assessed_on=assessed_on,
                requested_by=requested_by,
                started_at=datetime.now(UTC),
                entities_to_assess=session.scalar(select(func.count()).select_from(owing.subquery())) or 0,
                entities_assessed=0,
                batches=0,
            )
            session.add(run)
        run_id, assessed_on = run.run_id, run.assessed_on
    actor = Actor.system(f"yearly run {run_id}")
    after = ""
    while True:
        with database.session() as session:
            if database.is_postgres:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": YEARLY_RUN_LOCK_KEY})
            entities = session.execute(
                owing.where(Entity.entity_id > after).order_by(Entity.entity_id).limit(batch_size)
            ).all()
            assessed = charge_batch(session, entities, fee_year, assessed_on, actor, run_id) if entities else 0
            finished = len(entities) < batch_size
            session.execute(
                update(AssessmentRun)
                .where(AssessmentRun.run_id == run_id)
                .values(
                    entities_assessed=AssessmentRun.entities_assessed + assessed,
                    batches=AssessmentRun.batches + 1,
                    finished_at=datetime.now(UTC) if finished else None,
                )
            )
            run = session.get(AssessmentRun, run_id, populate_existing=True)
        if progress is not None:
            progress(run)
        if finished:
            break
        after = entities[-1].entity_id
    log.info(
        "yearly_assessment_finished",
        fee_year=fee_year,
        run_id=run_id,
        requested_by=requested_by,
        entities_assessed=run.entities_assessed,
        batches=run.batches,
    )
    return run


def run_if_due(database: Database, now: datetime | None = None) -> AssessmentRun | None:
    """The timer's run of this year's assessment, unless it already finished (the timer fires hourly)."""
    fee_year = california_today(now).year
    with database.session() as session:
        done = session.scalar(
            select(AssessmentRun.run_id)
            .where(AssessmentRun.fee_year == fee_year, AssessmentRun.finished_at.is_not(None))
            .limit(1)
        )
    if done is not None:
        return None
    return assess_year(database, fee_year, YEARLY_TIMER, assessed_on=california_today(now))
