"""The late-filing check and the deadline views: load entities and filings, apply the calendar, record, publish."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from filings import SERVICE
from filings.deadlines.models import DeadlineRun, LateFiling
from filings.domain.calendar import filing_date
from filings.domain.deadlines import (
    CALENDAR_STARTS,
    ENTITY_CALENDARS,
    Deadline,
    Obligor,
    days_late,
    elections_reported_for,
    forms_meeting,
    owed_periods,
    twenty_four_hour_deadline,
)
from filings.domain.forms import form_named
from filings.domain.intake import Space
from filings.domain.periods import ELECTIONS, FORM_CADENCES, Cadence
from filings.models import Entity, Filing

log = get_logger(__name__)

DAILY_TIMER = "daily timer"
BATCH_SIZE = 500
UPCOMING_DAYS = 366
"""How far ahead an entity's deadline view looks."""

CALENDAR_FORMS: frozenset[str] = frozenset(
    filed for forms in ENTITY_CALENDARS.values() for form in forms for filed in forms_meeting(form)
)
TWENTY_FOUR_HOUR_FORMS: frozenset[str] = frozenset(
    form for form, cadences in FORM_CADENCES.items() if Cadence.TWENTY_FOUR_HOUR in cadences
)


def california_today(now: datetime | None = None) -> date:
    """Today's date in California, where filing days are counted."""
    return filing_date(now or datetime.now(UTC))


def form_title(code: str) -> str:
    """The plain-language name of a form (its code when no declaration names it)."""
    try:
        return form_named(code).name
    except KeyError:
        return code


@dataclass(frozen=True)
class ReportOnFile:
    """A filing as the calendar sees it: the period of its latest version and the day its original was filed."""

    filing_id: str
    form: str
    period_start: date | None
    period_end: date | None
    filed_on: date
    amendment: int = 0
    """The latest version's number (the one whose amounts the filing now reports)."""


def reports_on_file(session: Session, entity_ids: Sequence[str], as_of: date) -> dict[str, list[ReportOnFile]]:
    """The production reports of calendar and 24-hour forms each entity had filed by the end of `as_of`."""
    rows = session.execute(
        select(
            Filing.entity_id,
            Filing.filing_id,
            Filing.amendment,
            Filing.form,
            Filing.period_start,
            Filing.period_end,
            Filing.filed_at,
        )
        .where(
            Filing.entity_id.in_(entity_ids),
            Filing.space == Space.PRODUCTION.value,
            Filing.form.in_(CALENDAR_FORMS | TWENTY_FOUR_HOUR_FORMS),
        )
        .order_by(Filing.filing_id, Filing.amendment)
    ).all()
    versions: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if filing_date(row.filed_at) <= as_of:
            versions[row.filing_id].append(row)
    reports: dict[str, list[ReportOnFile]] = defaultdict(list)
    for filing_id, filed in versions.items():
        # An amendment replaces the whole filing, period included, but the filing was on file from the original.
        original, latest = filed[0], filed[-1]
        reports[original.entity_id].append(
            ReportOnFile(
                filing_id,
                latest.form,
                latest.period_start,
                latest.period_end,
                filing_date(original.filed_at),
                latest.amendment,
            )
        )
    return reports


def obligor_of(entity: Entity, on_file: Iterable[ReportOnFile]) -> Obligor:
    """The entity as the calendar sees it; filing one pre-election statement of an election owes the other."""
    period_ends = [report.period_end for report in on_file if report.period_end is not None]
    return Obligor(
        entity_id=entity.entity_id,
        entity_type=entity.entity_type,
        registered_on=entity.registered_on,
        terminated_on=entity.terminated_on,
        elections=elections_reported_for(ELECTIONS, period_ends),
        migrated_on=filing_date(entity.created_at) if entity.legacy else None,
    )


def first_meeting(deadline: Deadline, on_file: Iterable[ReportOnFile]) -> ReportOnFile | None:
    """The earliest filing that meets `deadline`, if any."""
    meeting = [
        report
        for report in on_file
        if report.form in forms_meeting(deadline.form) and deadline.is_met_by(report.period_start, report.period_end)
    ]
    return min(meeting, key=lambda report: (report.filed_on, report.filing_id), default=None)


class News(StrEnum):
    """What a check found that had not been published yet."""

    MISSING = "missing"
    FILED_LATE = "filed_late"
    ARRIVED = "arrived"
    """A filing found missing earlier arrived."""


@dataclass
class Findings:
    missing: int = 0
    filed_late: int = 0
    arrived: int = 0

    def count(self, news: News) -> None:
        setattr(self, news.value, getattr(self, news.value) + 1)


@dataclass(frozen=True)
class Lateness:
    """A deadline not met on time: still missing (`report` None) or met by a late filing."""

    deadline: Deadline
    report: ReportOnFile | None
    days_late: int


def lateness_of(entity: Entity, on_file: list[ReportOnFile], as_of: date) -> list[Lateness]:
    """Every deadline of `entity` due before `as_of` that was not met on time, and every late 24-hour report."""
    found: list[Lateness] = []
    obligor = obligor_of(entity, on_file)
    for deadline in owed_periods(obligor, CALENDAR_STARTS, as_of - timedelta(days=1)):
        report = first_meeting(deadline, on_file)
        if report is None:
            found.append(Lateness(deadline, None, days_late(deadline.due_on, as_of)))
        elif report.filed_on > deadline.due_on:
            found.append(Lateness(deadline, report, days_late(deadline.due_on, report.filed_on)))
    for report in on_file:
        if report.form not in TWENTY_FOUR_HOUR_FORMS or report.period_start is None:
            continue
        if entity.terminated_on is not None and report.period_start > entity.terminated_on:
            continue
        deadline = twenty_four_hour_deadline(entity.entity_id, report.form, report.period_start, ELECTIONS)
        if deadline is not None and report.filed_on > deadline.due_on:
            found.append(Lateness(deadline, report, days_late(deadline.due_on, report.filed_on)))
    return found


def _insert_once(session: Session, values: dict[str, Any]) -> bool:
    """Insert a late filing unless its (entity, form, period) is already recorded; True when this call did."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # A concurrent run inserting the same row makes this one wait and then do nothing: one event, not two.
    statement = dialect.insert(LateFiling).values(**values).on_conflict_do_nothing().returning(LateFiling.entity_id)
    return session.execute(statement).first() is not None


def reported_amount(session: Session, report: ReportOnFile) -> Decimal | None:
    """The cumulative amount a filing's version on file reports, as its form declares it (None: none declared)."""
    totals = session.scalar(
        select(Filing.totals).where(Filing.filing_id == report.filing_id, Filing.amendment == report.amendment)
    )
    try:
        form = form_named(report.form)
    except KeyError:
        return None
    return form.reported_amount(totals or {})


def _publish_late(session: Session, entity: Entity, lateness: Lateness) -> None:
    deadline = lateness.deadline
    payload = {
        "entity_id": entity.entity_id,
        "entity_name": entity.name,
        "form": deadline.form,
        "form_name": form_title(deadline.form),
        "period_start": deadline.period_start,
        "period_end": deadline.period_end,
        "due_on": deadline.due_on,
        "days_late": lateness.days_late,
        "filing_id": lateness.report.filing_id if lateness.report else None,
        # Only for a filing on file: what it reports caps its late filing fine.
        "reported_amount": reported_amount(session, lateness.report) if lateness.report else None,
    }
    outbox.add(session, make_event(SERVICE, "filing_late", payload))


def record_lateness(
    session: Session, entity: Entity, lateness: Lateness, recorded: LateFiling | None, as_of: date
) -> News | None:
    """Record a late or missing filing and publish `filing_late` when it is news: what the news was, or None.

    News is a deadline first found late (missing, or filed late), or the arrival of a filing found missing.
    """
    deadline, report = lateness.deadline, lateness.report
    if recorded is not None and (recorded.filing_id is not None or report is None):
        return None
    key = {
        "entity_id": entity.entity_id,
        "form": deadline.form,
        "period_start": deadline.period_start,
        "period_end": deadline.period_end,
    }
    arrival = {
        "filing_id": report.filing_id if report else None,
        "filed_on": report.filed_on if report else None,
        "days_late": lateness.days_late,
    }
    if recorded is None:
        values = {**key, **arrival, "due_on": deadline.due_on, "found_on": as_of, "found_missing": report is None}
        if not _insert_once(session, values):
            return None
        _publish_late(session, entity, lateness)
        return News.MISSING if report is None else News.FILED_LATE
    arrived = session.execute(
        update(LateFiling)
        .where(*(getattr(LateFiling, name) == value for name, value in key.items()), LateFiling.filing_id.is_(None))
        .values(**arrival)
        .execution_options(synchronize_session=False)
    )
    if arrived.rowcount != 1:
        return None
    _publish_late(session, entity, lateness)
    return News.ARRIVED


def check_batch(session: Session, entities: Sequence[Entity], as_of: date) -> Findings:
    """The late-filing check for some entities, in the caller's transaction."""
    ids = [entity.entity_id for entity in entities]
    on_file = reports_on_file(session, ids, as_of)
    recorded = {
        (row.entity_id, row.form, row.period_start, row.period_end): row
        for row in session.scalars(select(LateFiling).where(LateFiling.entity_id.in_(ids)))
    }
    findings = Findings()
    for entity in entities:
        for lateness in lateness_of(entity, on_file.get(entity.entity_id, []), as_of):
            deadline = lateness.deadline
            key = (entity.entity_id, deadline.form, deadline.period_start, deadline.period_end)
            news = record_lateness(session, entity, lateness, recorded.get(key), as_of)
            if news is not None:
                findings.count(news)
    return findings


def check_deadlines(
    database: Database, as_of: date, requested_by: str, *, batch_size: int = BATCH_SIZE, now: datetime | None = None
) -> DeadlineRun:
    """Find what became late or arrived late as of the end of `as_of`, over every production entity.

    Each batch of entities is its own transaction, so a run interrupted part-way keeps what it recorded and
    a rerun (of the same day or a later one) publishes only what is still news.
    """
    run_id = str(uuid.uuid4())
    after: str | None = None
    finished = False
    while not finished:
        with database.session() as session:
            if after is None:
                # The run is recorded with its first batch: a run that failed before finishing one left nothing.
                session.add(
                    DeadlineRun(
                        run_id=run_id,
                        as_of=as_of,
                        requested_by=requested_by,
                        started_at=now or datetime.now(UTC),
                        entities_checked=0,
                        found_missing=0,
                        found_filed_late=0,
                        arrived=0,
                    )
                )
                session.flush()
            entities = session.scalars(
                select(Entity)
                .where(
                    Entity.space == Space.PRODUCTION.value,
                    Entity.entity_type.in_(tuple(ENTITY_CALENDARS)),
                    Entity.registered_on < as_of,
                    Entity.entity_id > (after or ""),
                )
                .order_by(Entity.entity_id)
                .limit(batch_size)
            ).all()
            findings = check_batch(session, entities, as_of) if entities else Findings()
            finished = len(entities) < batch_size
            session.execute(
                update(DeadlineRun)
                .where(DeadlineRun.run_id == run_id)
                .values(
                    entities_checked=DeadlineRun.entities_checked + len(entities),
                    found_missing=DeadlineRun.found_missing + findings.missing,
                    found_filed_late=DeadlineRun.found_filed_late + findings.filed_late,
                    arrived=DeadlineRun.arrived + findings.arrived,
                    finished_at=datetime.now(UTC) if finished else None,
                )
            )
            run = session.get(DeadlineRun, run_id, populate_existing=True)
        if entities:
            after = entities[-1].entity_id
    log.info(
        "deadline_check_finished",
        as_of=as_of.isoformat(),
        requested_by=requested_by,
        entities_checked=run.entities_checked,
        found_missing=run.found_missing,
        found_filed_late=run.found_filed_late,
        arrived=run.arrived,
    )
    return run


def run_daily_check(database: Database, now: datetime | None = None) -> DeadlineRun | None:
    """The timer's run for today, unless one already finished today (the timer fires more often than daily)."""
    today = california_today(now)
    with database.session() as session:
        done = session.scalar(
            select(DeadlineRun.run_id).where(DeadlineRun.as_of == today, DeadlineRun.finished_at.is_not(None)).limit(1)
        )
    if done is not None:
        return None
    return check_deadlines(database, today, DAILY_TIMER, now=now)


@dataclass
class EntityDeadlines:
    """An entity's deadlines as of a day: what is coming up, what is past due, what was filed late."""

    entity: Entity
    as_of: date
    upcoming: list[Deadline] = field(default_factory=list)
    past_due: list[Deadline] = field(default_factory=list)
    filed_late: list[LateFiling] = field(default_factory=list)


def entity_deadlines(session: Session, entity_id: str, as_of: date) -> EntityDeadlines | None:
    """The deadlines of a production entity as of `as_of` (None for an unknown or sandbox entity)."""
    entity = session.get(Entity, entity_id)
    if entity is None or entity.space != Space.PRODUCTION.value:
        return None
    on_file = reports_on_file(session, [entity_id], as_of).get(entity_id, [])
    obligor = obligor_of(entity, on_file)
    view = EntityDeadlines(entity, as_of)
    for deadline in owed_periods(obligor, CALENDAR_STARTS, as_of + timedelta(days=UPCOMING_DAYS)):
        if first_meeting(deadline, on_file) is not None:
            continue
        (view.past_due if deadline.due_on < as_of else view.upcoming).append(deadline)
    view.filed_late = list(
        session.scalars(
            select(LateFiling)
            .where(LateFiling.entity_id == entity_id, LateFiling.filing_id.is_not(None))
            .order_by(LateFiling.due_on, LateFiling.form)
        )
    )
    return view
