from datetime import UTC, datetime, timedelta

from accounts.domain.throttling import ThrottlePolicy, account_key, client_key, retry_after_seconds

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(limit=3, window=timedelta(minutes=15))


def test_fewer_failures_than_the_limit_do_not_lock():
    assert POLICY.locked_for([NOW - timedelta(minutes=1)] * 2, NOW) is None


def test_reaching_the_limit_locks_until_the_oldest_counted_failure_leaves_the_window():
    failures = [NOW - timedelta(minutes=10), NOW - timedelta(minutes=5), NOW - timedelta(minutes=1)]
    assert POLICY.locked_for(failures, NOW) == timedelta(minutes=5)


def test_failures_older_than_the_window_do_not_count():
    failures = [NOW - timedelta(minutes=20)] * 5 + [NOW - timedelta(minutes=1)]
    assert POLICY.locked_for(failures, NOW) is None


def test_username_keys_ignore_letter_case_and_hide_the_name():
    assert account_key("JDoe") == account_key("jdoe")
    assert "jdoe" not in account_key("jdoe")
    assert account_key("jd\x00oe") != account_key("jdoe")


def test_client_keys_differ_per_address():
    assert client_key("192.0.2.1") != client_key("192.0.2.2")
    assert client_key(None) == client_key("")


def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one():
    assert retry_after_seconds(timedelta(seconds=0.2)) == 1
    assert retry_after_seconds(timedelta(seconds=61.5)) == 62
