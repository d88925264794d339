from datetime import UTC, datetime, timedelta

import pytest

from search.exports.jobs import (
    DONE,
    EXPIRED,
    FAILED,
    LEASE,
    QUEUED,
    RUNNING,
    ExportQuota,
    InvalidTransition,
    check_transition,
    claimable,
    progress_percent,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "new"),
    [(QUEUED, RUNNING), (QUEUED, FAILED), (RUNNING, RUNNING), (RUNNING, DONE), (RUNNING, FAILED), (DONE, EXPIRED)],
)
def test_a_job_moves_forward(current, new):
    assert check_transition(current, new) == new


@pytest.mark.parametrize(
    ("current", "new"),
    [(QUEUED, DONE), (DONE, RUNNING), (DONE, FAILED), (FAILED, RUNNING), (FAILED, EXPIRED), (EXPIRED, DONE)],
)
def test_a_finished_job_only_expires_and_nothing_skips_running(current, new):
    with pytest.raises(InvalidTransition):
        check_transition(current, new)


def test_a_waiting_job_or_one_whose_worker_stopped_renewing_may_be_claimed():
    assert claimable(QUEUED, None, NOW)
    assert claimable(RUNNING, NOW - timedelta(seconds=1), NOW)
    assert not claimable(RUNNING, NOW + LEASE, NOW)
    assert not claimable(DONE, None, NOW)
    assert not claimable(FAILED, None, NOW)


def test_progress_is_whole_percent_and_100_only_when_done():
    assert progress_percent(QUEUED, 0, 200) == 0
    assert progress_percent(RUNNING, 50, 200) == 25
    assert progress_percent(RUNNING, 250, 200) == 99
    assert progress_percent(RUNNING, 5, None) == 0
    assert progress_percent(DONE, 0, 0) == 100
    assert progress_percent(EXPIRED, 10, 10) == 100


def test_quota_refuses_until_the_oldest_counted_request_leaves_the_window():
    quota = ExportQuota(limit=2, window=timedelta(hours=1))
    assert quota.retry_after([NOW - timedelta(minutes=10)], NOW) is None
    recent = [NOW - timedelta(minutes=50), NOW - timedelta(minutes=10)]
    assert quota.retry_after(recent, NOW) == 600
    assert quota.retry_after([NOW - timedelta(hours=2), NOW - timedelta(minutes=10)], NOW) is None
