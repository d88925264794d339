from datetime import UTC, datetime, timedelta

from notify.domain.delivery import RetryPolicy


def test_backoff_doubles_after_each_failed_attempt():
    policy = RetryPolicy(max_attempts=10, first_backoff=timedelta(minutes=1), max_backoff=timedelta(hours=1))
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_backoff_is_capped():
    policy = RetryPolicy(max_attempts=20, first_backoff=timedelta(minutes=1), max_backoff=timedelta(hours=1))
    assert policy.backoff(15) == timedelta(hours=1)


def test_no_further_attempt_once_the_attempts_are_used_up():
    policy = RetryPolicy(max_attempts=3, first_backoff=timedelta(minutes=1))
    failed_at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert policy.next_attempt_at(2, failed_at) == failed_at + timedelta(minutes=2)
    assert policy.next_attempt_at(3, failed_at) is None
