"""Export use cases: stream a small result, queue a large one as a job, run jobs in resumable batches."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from search.domain.documents import SearchDocument
from search.domain.query import SearchQuery
from search.exports.files import export_file
from search.exports.jobs import (
    ANONYMOUS_QUOTA,
    DONE,
    EXPIRED,
    FAILED,
    LEASE,
    QUEUED,
    RUNNING,
    SIGNED_IN_QUOTA,
    check_transition,
)
from search.exports.query_args import query_from_filters, query_from_stored, stored_filters
from search.exports.writers import EXPORT_FORMATS
from search.index import SearchIndex
from search.models import ExportJob

log = get_logger(__name__)

# Rows between two commits of a job's progress: what a restarted worker may have to write again.
BATCH_ROWS = 1000
# Rows a job reads from the index at a time: more than a public page holds, so a big export asks less often.
EXPORT_PAGE = 1000
# Jobs one pass of the worker's timer runs, so a long queue does not hold one pass forever.
JOBS_PER_PASS = 5


class ExportTooLarge(Exception):
    """The search matches more rows than this kind of export holds."""

    def __init__(self, count: int, cap: int) -> None:
        super().__init__(f"the search matches {count} rows, more than the {cap} an export of this kind holds")
        self.count = count
        self.cap = cap


class ExportsThrottled(Exception):
    """Too many export jobs asked for by this requester lately; `retry_after` seconds until the next may be."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many export jobs; retry after {retry_after} s")
        self.retry_after = retry_after


class ExportNotFound(Exception):
    """No export job has this id."""


class ExportExpired(Exception):
    """The export's file was deleted after its keeping time."""


class LeaseLost(Exception):
    """Another worker took the job over (this one was too slow to renew its lease)."""


def match_count(index: SearchIndex, query: SearchQuery) -> int:
    """How many documents match `query`, counted exactly."""
    return index.search(replace(query, limit=1, after=None, exact_count=True)).count


def stream_rows(index: SearchIndex, query: SearchQuery, export_format: str, cap: int) -> Iterator[str]:
    """The whole export file of `query` in pieces, at most `cap` rows even if documents arrive meanwhile."""
    documents: Iterator[SearchDocument] = islice(index.scan(query), cap)
    return EXPORT_FORMATS[export_format].chunks(documents)


def check_streamable(index: SearchIndex, query: SearchQuery, cap: int) -> int:
    """The row count of `query`; ExportTooLarge when it is over the cap of a streamed export."""
    count = match_count(index, query)
    if count > cap:
        raise ExportTooLarge(count, cap)
    return count


def requester_key(user_id: str | None, client: str) -> str:
    """Whom a job's quota counts against: the signed-in person, else the client address (hashed, not kept)."""
    if user_id is not None:
        return f"user:{user_id}"[:80]
    return "client:" + hashlib.sha256(client.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def request_export(
    session: Session,
    index: SearchIndex,
    *,
    export_format: str,
    filters: Mapping[str, Any],
    user_id: str | None,
    email: str | None,
    client: str,
    row_cap: int,
    now: datetime,
) -> ExportJob:
    """Queue an export job of the loaded `filters` for the worker, after the requester's quota and the row cap."""
    key = requester_key(user_id, client)
    quota = SIGNED_IN_QUOTA if user_id is not None else ANONYMOUS_QUOTA
    recent = session.scalars(
        select(ExportJob.created_at).where(ExportJob.requester_key == key, ExportJob.created_at > now - quota.window)
    ).all()
    retry_after = quota.retry_after(recent, now)
    if retry_after is not None:
        raise ExportsThrottled(retry_after)
    total = match_count(index, query_from_filters(filters))
    if total > row_cap:
        raise ExportTooLarge(total, row_cap)
    job = ExportJob(
        id=str(uuid.uuid4()),
        format=export_format,
        filters=stored_filters(filters),
        status=QUEUED,
        user_id=user_id,
        email=email.strip().lower() if email else None,
        requester_key=key,
        total=total,
        rows_written=0,
        byte_offset=0,
        created_at=now,
    )
    session.add(job)
    log.info("export_requested", export_id=job.id, format=export_format, total=total, signed_in=user_id is not None)
    return job


def export_job(session: Session, job_id: str) -> ExportJob:
    """The job with this id (anyone holding the id may follow it: the data is public and the id unguessable)."""
    job = session.get(ExportJob, job_id)
    if job is None:
        raise ExportNotFound(job_id)
    return job


def jobs_of(session: Session, user_id: str, limit: int) -> tuple[list[ExportJob], int]:
    """A signed-in person's newest export jobs, and how many they have in all."""
    mine = ExportJob.user_id == user_id
    count = session.scalar(select(func.count()).select_from(ExportJob).where(mine)) or 0
    jobs = session.scalars(
        select(ExportJob).where(mine).order_by(ExportJob.created_at.desc(), ExportJob.id).limit(limit)
    ).all()
    return list(jobs), count


def download_url(portal_url: str, job_id: str) -> str:
    return f"{portal_url.rstrip('/')}/api/search/exports/{job_id}/download"


def finished_file(session: Session, folder: Path, job_id: str) -> tuple[ExportJob, Path] | None:
    """The job and its file when it is done; None while it is not; ExportExpired once its file was deleted."""
    job = export_job(session, job_id)
    if job.status == EXPIRED:
        raise ExportExpired(job_id)
    path = export_file(folder, job.id, EXPORT_FORMATS[job.format].extension)
    if job.status != DONE or not path.exists():
        return None
    return job, path


def expire_old_exports(session: Session, folder: Path, *, keep: timedelta, now: datetime) -> list[str]:
    """Delete the files of jobs done longer than `keep` ago and mark them expired; the ids of the jobs expired."""
    old = session.scalars(
        select(ExportJob)
        .where(ExportJob.status == DONE, ExportJob.finished_at <= now - keep)
        .order_by(ExportJob.finished_at, ExportJob.id)
        .limit(JOBS_PER_PASS * 20)
        .with_for_update(skip_locked=True)
    ).all()
    for job in old:
        export_file(folder, job.id, EXPORT_FORMATS[job.format].extension).unlink(missing_ok=True)
        job.status = check_transition(job.status, EXPIRED)
    if old:
        log.info("exports_expired", count=len(old))
    return [job.id for job in old]


@dataclass(frozen=True)
class _Claimed:
    id: str
    format: str
    filters: dict[str, Any]
    cursor: str | None
    byte_offset: int
    rows_written: int
    lease_until: datetime


def run_due_exports(
    database: Database,
    index: SearchIndex,
    *,
    folder: Path,
    portal_url: str,
    row_cap: int,
    batch_rows: int = BATCH_ROWS,
    page_size: int = EXPORT_PAGE,
    now: datetime | None = None,
) -> list[str]:
    """Run queued jobs (and running ones whose worker stopped) to the end; the ids of the jobs finished."""
    finished = []
    for _ in range(JOBS_PER_PASS):
        job_id = run_next_export(
            database,
            index,
            folder=folder,
            portal_url=portal_url,
            row_cap=row_cap,
            batch_rows=batch_rows,
            page_size=page_size,
            now=now,
        )
        if job_id is None:
            break
        finished.append(job_id)
    return finished


def run_next_export(
    database: Database,
    index: SearchIndex,
    *,
    folder: Path,
    portal_url: str,
    row_cap: int,
    batch_rows: int = BATCH_ROWS,
    page_size: int = EXPORT_PAGE,
    now: datetime | None = None,
) -> str | None:
    """Claim one job and write it to its file, committing progress every `batch_rows` rows; its id, or None if no
    job was waiting. A failure marks the job failed; a lost lease leaves it to the worker that took it over."""
    claimed = _claim(database, now or datetime.now(UTC))
    if claimed is None:
        return None
    lease = _Lease(claimed.lease_until)
    try:
        _write(
            database,
            index,
            claimed,
            lease,
            folder=folder,
            portal_url=portal_url,
            row_cap=row_cap,
            batch_rows=batch_rows,
            page_size=page_size,
        )
    except LeaseLost:
        log.warning("export_lease_lost", export_id=claimed.id)
    except Exception as error:  # noqa: BLE001 - any failure of one job ends that job, not the worker's pass
        log.error("export_failed", export_id=claimed.id, exc_info=True)
        with database.session() as session:
            job = session.get_one(ExportJob, claimed.id, with_for_update=True)
            if job.status == RUNNING and job.lease_until == lease.until:
                job.status = check_transition(job.status, FAILED)
                job.error = f"{type(error).__name__}: {error}"[:2000]
                job.finished_at = datetime.now(UTC)
                export_file(folder, job.id, EXPORT_FORMATS[job.format].extension).unlink(missing_ok=True)
    return claimed.id


@dataclass
class _Lease:
    """Until when this worker holds its job; renewed with every committed batch."""

    until: datetime


def _claim(database: Database, now: datetime) -> _Claimed | None:
    waiting = or_(
        ExportJob.status == QUEUED,
        and_(ExportJob.status == RUNNING, or_(ExportJob.lease_until.is_(None), ExportJob.lease_until <= now)),
    )
    with database.session() as session:
        job = session.scalars(
            select(ExportJob)
            .where(waiting)
            .order_by(ExportJob.created_at, ExportJob.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if job is None:
            return None
        resumed = job.status == RUNNING
        job.status = check_transition(job.status, RUNNING)
        job.started_at = job.started_at or now
        job.lease_until = now + LEASE
        log.info("export_started", export_id=job.id, resumed=resumed, rows_written=job.rows_written)
        return _Claimed(
            job.id, job.format, dict(job.filters), job.cursor, job.byte_offset, job.rows_written, job.lease_until
        )


def _write(
    database: Database,
    index: SearchIndex,
    claimed: _Claimed,
    lease: _Lease,
    *,
    folder: Path,
    portal_url: str,
    row_cap: int,
    batch_rows: int,
    page_size: int,
) -> None:
    export_format = EXPORT_FORMATS[claimed.format]
    path = export_file(folder, claimed.id, export_format.extension)
    cursor, offset, rows = claimed.cursor, claimed.byte_offset, claimed.rows_written
    if offset and (not path.exists() or path.stat().st_size < offset):
        # The file of the committed batches is gone (a new disk, a cleared folder): begin again.
        cursor, offset, rows = None, 0, 0
    query = replace(query_from_stored(claimed.filters), limit=page_size)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("r+b" if path.exists() else "w+b") as file:
        # Whatever a stopped worker wrote after its last committed batch is dropped and written again.
        file.truncate(offset)
        file.seek(offset)
        if offset == 0:
            file.write(export_format.header().encode("utf-8"))
        pending = 0
        while True:
            page = index.search(replace(query, after=cursor))
            documents = page.documents[: max(0, row_cap - rows)]
            file.write(export_format.rows(documents).encode("utf-8"))
            rows += len(documents)
            pending += len(documents)
            cursor = page.next_cursor
            finished = cursor is None or not page.documents or rows >= row_cap
            if pending >= batch_rows or finished:
                file.flush()
                os.fsync(file.fileno())
                lease.until = _record_progress(
                    database,
                    claimed.id,
                    lease.until,
                    rows=rows,
                    cursor=cursor,
                    offset=file.tell(),
                    finished=finished,
                    portal_url=portal_url,
                )
                pending = 0
            if finished:
                return


def _record_progress(
    database: Database,
    job_id: str,
    lease: datetime,
    *,
    rows: int,
    cursor: str | None,
    offset: int,
    finished: bool,
    portal_url: str,
) -> datetime:
    now = datetime.now(UTC)
    with database.session() as session:
        job = session.get_one(ExportJob, job_id, with_for_update=True)
        if job.status != RUNNING or job.lease_until != lease:
            raise LeaseLost(job_id)
        job.rows_written, job.cursor, job.byte_offset = rows, cursor, offset
        if not finished:
            job.lease_until = now + LEASE
            return job.lease_until
        job.status = check_transition(job.status, DONE)
        job.finished_at = now
        job.lease_until = None
        outbox.add(
            session,
            make_event(
                "search",
                "export_ready",
                {
                    "export_id": job.id,
                    "user_id": job.user_id,
                    "email": job.email,
                    "format": job.format,
                    "rows": rows,
                    "download_url": download_url(portal_url, job.id),
                },
            ),
        )
        log.info("export_done", export_id=job.id, rows=rows, bytes=offset)
        return now
