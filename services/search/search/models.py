"""Tables of the search database (the outbox and inbox come from the shared messaging tables).

The public index itself is a separate store (see search/index.py); these tables hold export jobs and saved searches.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from search.exports.jobs import FORMATS, QUEUED, STATUSES
from search.saved.schedules import NEVER, SCHEDULES


class Base(DeclarativeBase):
    pass


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class ExportJob(Base):
    """An asynchronous export of one search's results to a file, written in batches and resumable.

    `cursor` and `byte_offset` say where the last committed batch ended, so a restarted worker goes on from there.
    """

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint(_one_of("format", FORMATS), name="ck_export_job_format"),
        CheckConstraint(_one_of("status", STATUSES), name="ck_export_job_status"),
        Index("ix_export_jobs_status_lease", "status", "lease_until"),
        Index("ix_export_jobs_requester_created", "requester_key", "created_at"),
        Index("ix_export_jobs_user_created", "user_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    format: Mapped[str] = mapped_column(String(10))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    requester_key: Mapped[str] = mapped_column(String(80))
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    byte_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class SavedSearch(Base):
    """A signed-in person's named search (its filters, and optionally a report over them), maybe scheduled for
    alerts on new results and shared by an unguessable link.

    The watermark is the newest match seen at the last alert run by when it reached the public record, (recorded_at,
    id) (see SearchDocument.recorded_at: the filing date): matches filed after it are the new results, however old
    their own dates. A shared search also runs daily for the public, with a watermark of its own. A search last run
    before alerts went by filing date has only the (dated_at, id) watermark of then: its next run counts what is
    newer by that one, once, and keeps the filing-date watermark from then on.
    """

    __tablename__ = "saved_searches"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_saved_search_user_name"),
        UniqueConstraint("share_token", name="uq_saved_search_share_token"),
        CheckConstraint(_one_of("schedule", SCHEDULES), name="ck_saved_search_schedule"),
        Index("ix_saved_searches_schedule_due", "schedule", "next_run_at"),
        Index("ix_saved_searches_public_due", "public_next_run_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    schedule: Mapped[str] = mapped_column(String(10), default=NEVER)
    next_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    watermark_filed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    watermark_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The (dated_at, id) watermark of a search last run before alerts went by filing date; cleared by its next run.
    watermark_dated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    share_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The daily public run of a shared search, for those who subscribed to it by e-mail: its own watermark, so the
    # owner's schedule and the public alerts never take each other's news.
    public_next_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    public_watermark_filed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    public_watermark_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    public_watermark_dated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
