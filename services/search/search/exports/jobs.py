"""The life of an export job, in plain rules: its states, their order, progress, leases and request quotas."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

CSV = "csv"
JSONL = "jsonl"
FORMATS: tuple[str, ...] = (CSV, JSONL)

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
# Done, and its file deleted after the keeping time: the same search can be exported again.
EXPIRED = "expired"
STATUSES: tuple[str, ...] = (QUEUED, RUNNING, DONE, FAILED, EXPIRED)

# A running job whose worker stopped renewing this long ago is taken over by another (or the restarted) worker.
LEASE = timedelta(minutes=2)

_NEXT: dict[str, frozenset[str]] = {
    QUEUED: frozenset({RUNNING, FAILED}),
    # Running again: a worker takes over a job whose lease ran out, and goes on where the last batch ended.
    RUNNING: frozenset({RUNNING, DONE, FAILED}),
    DONE: frozenset({EXPIRED}),
    FAILED: frozenset(),
    EXPIRED: frozenset(),
}


class InvalidTransition(Exception):
    """An export job cannot go from its state to the one asked for (a finished job only ever expires)."""


def check_transition(current: str, new: str) -> str:
    """`new` if a job in state `current` may move to it; InvalidTransition otherwise."""
    if new not in _NEXT.get(current, frozenset()):
        raise InvalidTransition(f"an export job cannot go from {current} to {new}")
    return new


def claimable(status: str, lease_until: datetime | None, now: datetime) -> bool:
    """A worker may take a job that waits, or one still running whose worker's lease ran out."""
    if status == QUEUED:
        return True
    return status == RUNNING and (lease_until is None or lease_until <= now)


def progress_percent(status: str, rows_written: int, total: int | None) -> int:
    """Whole percent done: 100 only once done; a running job with more rows than counted stays at 99."""
    if status in (DONE, EXPIRED):
        return 100
    if not total:
        return 0
    return max(0, min(99, rows_written * 100 // total))


@dataclass(frozen=True)
class ExportQuota:
    """At most `limit` export jobs requested within `window` by one requester."""

    limit: int
    window: timedelta

    def retry_after(self, requested_at: Iterable[datetime], now: datetime) -> int | None:
        """Seconds until another job may be requested, or None when one may be requested now."""
        recent = sorted(at for at in requested_at if at > now - self.window)
        if len(recent) < self.limit:
            return None
        wait = recent[-self.limit] + self.window - now
        return max(1, int(wait.total_seconds() + 0.999))


# Public data, so anyone may export; one client address may not fill the disk or keep the worker busy alone.
ANONYMOUS_QUOTA = ExportQuota(limit=10, window=timedelta(hours=1))
SIGNED_IN_QUOTA = ExportQuota(limit=30, window=timedelta(hours=1))
