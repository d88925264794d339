"""Bulk issue: notices recorded by their cause's handler, then drawn and issued by a pool of render processes.

The yearly fee run publishes one fee_assessed event per entity (100,000 each January). The worker's handler
numbers, dates and records each notice as pending, a batch of events per transaction. Render processes (plain
Python, one per core, started by the worker) each claim a few pending notices, draw and store each PDF, and move
them into `correspondence` with their correspondence_issued events in one transaction. Memory stays bounded: the
backlog waits in the database, a process holds at most `CLAIM_SIZE` notices and one PDF at a time. A notice is
seen by no reader, and notify hears nothing of it, until its PDF is stored.
"""

from __future__ import annotations

import math
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.config import CORRESPONDENCE_RENDER_PROCESSES, PORTAL_URL, database_url
from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from correspondence import handlers
from correspondence.blob_store import BlobStore, configured_blob_store
from correspondence.domain import annual_fee_notice
from correspondence.domain.annual_fee_notice import AnnualFeeNotice
from correspondence.models import Correspondence, EntityName, PendingNotice
from correspondence.pdf.letter import prepare_fonts

log = get_logger(__name__)

# Notices a render process claims at once: enough to commit in batches, few enough to hold in memory.
CLAIM_SIZE = 20
# A claim not completed within this long (its process died) is taken up by another process.
CLAIM_LEASE = timedelta(minutes=5)
# Attempts at drawing a notice before it is left pending as failed, for staff to see in the progress.
RENDER_ATTEMPTS = 5
# How often an idle render process looks for new pending notices.
IDLE_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Deferred:
    """A kind drawn by the render processes: its template and how its recorded content becomes the notice."""

    template: handlers.Template
    compose: Callable[[str, date, dict[str, Any]], Any]


DEFERRED: dict[str, Deferred] = {
    annual_fee_notice.KIND: Deferred(handlers.ANNUAL_FEE_NOTICE, AnnualFeeNotice.from_content),
}


def record_annual_fee_notices(session: Session, events: list[dict[str, Any]]) -> list[PendingNotice]:
    """Number and record the Annual Fee Notice of each fee assessment, once per assessment, for rendering."""
    by_cause = {annual_fee_notice.cause_of_fee_assessment(event["payload"]["assessment_id"]): event for event in events}
    taken = set(session.scalars(select(Correspondence.cause).where(Correspondence.cause.in_(by_cause))))
    taken |= set(session.scalars(select(PendingNotice.cause).where(PendingNotice.cause.in_(by_cause))))
    fresh = {cause: event for cause, event in by_cause.items() if cause not in taken}
    # One query loads the names these events may update; remember_entity_name then finds them in the session.
    entity_ids = {event["payload"]["entity_id"] for event in events}
    list(session.scalars(select(EntityName).where(EntityName.entity_id.in_(entity_ids))))
    for event in events:
        handlers.remember_entity_name(session, event["payload"]["entity_id"], event["payload"]["entity_name"])
    if not fresh:
        return []
    issued_at = datetime.now(UTC)
    issued_on = issued_at.astimezone(handlers.OFFICE_TIME_ZONE).date()
    numbers = handlers.next_numbers(session, issued_on.year, len(fresh))
    portal_url = PORTAL_URL.get()
    pending = []
    for number, (cause, event) in zip(numbers, fresh.items(), strict=True):
        fee = event["payload"]
        pending.append(
            PendingNotice(
                correspondence_id=str(uuid.uuid4()),
                number=number,
                kind=annual_fee_notice.KIND,
                entity_id=fee["entity_id"],
                user_id=None,
                cause=cause,
                issued_at=issued_at,
                content=AnnualFeeNotice.content_of(fee, portal_url),
                correlation_id=str(event.get("correlation_id") or "")[:200] or None,
                attempts=0,
            )
        )
    session.add_all(pending)
    return pending


@dataclass(frozen=True)
class ClaimedNotice:
    """A pending notice as a render process holds it: plain values, no database session attached."""

    correspondence_id: str
    number: str
    kind: str
    entity_id: str | None
    user_id: str | None
    cause: str
    issued_at: datetime
    content: dict[str, Any]
    correlation_id: str | None


def claim(database: Database, limit: int = CLAIM_SIZE) -> tuple[str, list[ClaimedNotice]]:
    """Take up to `limit` pending notices no other process holds, oldest number first; (claim token, notices)."""
    token = str(uuid.uuid4())
    now = datetime.now(UTC)
    with database.session() as session:
        free = (
            select(PendingNotice.correspondence_id)
            .where(
                PendingNotice.attempts < RENDER_ATTEMPTS,
                (PendingNotice.claimed_until.is_(None)) | (PendingNotice.claimed_until < now),
            )
            .order_by(PendingNotice.number)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        session.execute(
            update(PendingNotice)
            .where(PendingNotice.correspondence_id.in_(free))
            .values(claimed_by=token, claimed_until=now + CLAIM_LEASE)
        )
        rows = session.scalars(
            select(PendingNotice).where(PendingNotice.claimed_by == token).order_by(PendingNotice.number)
        )
        claimed = [
            ClaimedNotice(
                correspondence_id=row.correspondence_id,
                number=row.number,
                kind=row.kind,
                entity_id=row.entity_id,
                user_id=row.user_id,
                cause=row.cause,
                issued_at=row.issued_at,
                content=row.content,
                correlation_id=row.correlation_id,
            )
            for row in rows
        ]
    return token, claimed


@dataclass(frozen=True)
class StoredDocument:
    """A drawn notice whose PDF is in the blob store: what its correspondence record needs."""

    notice: ClaimedNotice
    title: str
    template_version: str
    blob_key: str
    sha256: str
    size: int


def _draw_and_store(notice: ClaimedNotice, blobs: BlobStore) -> StoredDocument:
    deferred = DEFERRED[notice.kind]
    issued_on = notice.issued_at.astimezone(handlers.OFFICE_TIME_ZONE).date()
    composed = deferred.compose(notice.number, issued_on, notice.content)
    document = deferred.template.render(composed)
    blob_key = f"correspondence/{issued_on.year}/{notice.correspondence_id}.pdf"
    # Drawing is deterministic, so a notice drawn again after a lost claim stores the same bytes (a no-op).
    digest = blobs.put(blob_key, document)
    return StoredDocument(notice, composed.title, deferred.template.version, blob_key, digest, len(document))


def _record_failure(database: Database, token: str, notice: ClaimedNotice, error: Exception) -> None:
    with database.session() as session:
        session.execute(
            update(PendingNotice)
            .where(PendingNotice.correspondence_id == notice.correspondence_id, PendingNotice.claimed_by == token)
            .values(
                attempts=PendingNotice.attempts + 1,
                last_error=repr(error)[:2000],
                claimed_by=None,
                claimed_until=None,
            )
        )


def _issue_stored(database: Database, token: str, stored: list[StoredDocument]) -> int:
    """Move drawn notices still held under `token` into correspondence and queue their events, in one transaction."""
    if not stored:
        return 0
    with database.session() as session:
        released = set(
            session.scalars(
                delete(PendingNotice)
                .where(
                    PendingNotice.correspondence_id.in_([item.notice.correspondence_id for item in stored]),
                    PendingNotice.claimed_by == token,
                )
                .returning(PendingNotice.correspondence_id)
            )
        )
        issued = [item for item in stored if item.notice.correspondence_id in released]
        records = [
            Correspondence(
                id=item.notice.correspondence_id,
                number=item.notice.number,
                kind=item.notice.kind,
                title=item.title,
                entity_id=item.notice.entity_id,
                user_id=item.notice.user_id,
                template_version=item.template_version,
                blob_key=item.blob_key,
                sha256=item.sha256,
                size=item.size,
                cause=item.notice.cause,
                issued_at=item.notice.issued_at,
            )
            for item in issued
        ]
        session.add_all(records)
        outbox.add_all(
            session,
            [
                make_event(
                    "correspondence",
                    "correspondence_issued",
                    {
                        "correspondence_id": record.id,
                        "number": record.number,
                        "kind": record.kind,
                        "title": record.title,
                        "entity_id": record.entity_id,
                        "user_id": record.user_id,
                        "issued_at": record.issued_at,
                    },
                    correlation_id=item.notice.correlation_id,
                )
                for record, item in zip(records, issued, strict=True)
            ],
        )
    return len(issued)


def render_pending(database: Database, blobs: BlobStore, limit: int = CLAIM_SIZE) -> int:
    """Claim up to `limit` pending notices, draw and store each, then issue them together; answers how many."""
    token, claimed = claim(database, limit)
    stored: list[StoredDocument] = []
    for notice in claimed:
        try:
            stored.append(_draw_and_store(notice, blobs))
        except Exception as error:  # noqa: BLE001 - one notice that cannot be drawn must not hold up the rest
            log.error("notice_render_failed", correspondence_id=notice.correspondence_id, error=repr(error))
            _record_failure(database, token, notice, error)
    issued = _issue_stored(database, token, stored)
    if issued:
        log.info("notices_rendered", count=issued, correlation_ids=sorted({str(n.correlation_id) for n in claimed}))
    return issued


@dataclass(frozen=True)
class KindProgress:
    """How far issuing one kind has come: notices waiting for their PDF, given up on, and issued."""

    kind: str
    pending: int
    failed: int
    issued: int


def progress(session: Session) -> list[KindProgress]:
    """Per kind: notices pending render, failed after every attempt, and issued (with their PDF), by kind name."""
    waiting = session.execute(
        select(PendingNotice.kind, PendingNotice.attempts >= RENDER_ATTEMPTS, func.count()).group_by(
            PendingNotice.kind, PendingNotice.attempts >= RENDER_ATTEMPTS
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for kind, failed, count in waiting:
        counts.setdefault(kind, {"pending": 0, "failed": 0, "issued": 0})["failed" if failed else "pending"] += count
    for kind, count in session.execute(select(Correspondence.kind, func.count()).group_by(Correspondence.kind)):
        counts.setdefault(kind, {"pending": 0, "failed": 0, "issued": 0})["issued"] = count
    return [KindProgress(kind, **counts[kind]) for kind in sorted(counts)]


def render_process_count() -> int:
    """CORRESPONDENCE_RENDER_PROCESSES, else one per core this process may use (its CPU quota, if it has one)."""
    configured = CORRESPONDENCE_RENDER_PROCESSES.get().strip()
    if configured:
        return max(1, int(configured))
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def run(
    database: Database,
    blobs: BlobStore,
    should_stop: Callable[[], bool],
    *,
    limit: int = CLAIM_SIZE,
    idle_seconds: float = IDLE_POLL_SECONDS,
) -> None:
    """Draw pending notices until `should_stop`; an idle process looks again every `idle_seconds`."""
    prepare_fonts()
    while not should_stop():
        try:
            rendered = render_pending(database, blobs, limit)
        except Exception as error:  # noqa: BLE001 - a database outage is waited out, as the outbox relay does
            log.warning("render_round_failed", error=repr(error))
            rendered = 0
        if not rendered:
            time.sleep(idle_seconds)


def serve(stopping: list[int]) -> None:
    """Draw pending notices until a stop signal is noted in `stopping` or the worker that started this process
    is gone (even one killed without a chance to stop it)."""
    from cars_shared import logging as cars_logging

    cars_logging.configure("correspondence-render")
    parent = os.getppid()
    database = Database(database_url("correspondence"), pool_pre_ping=False)
    try:
        run(database, configured_blob_store(), lambda: bool(stopping) or os.getppid() != parent)
    finally:
        database.dispose()
