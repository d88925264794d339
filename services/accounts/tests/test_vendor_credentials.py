from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain.vendor_credentials import (
    FAILURE_WINDOW,
    LOCKOUT,
    MAX_FAILURES,
    PRODUCTION,
    ROTATION_OVERLAP,
    SANDBOX,
    FailureCount,
    ReasonRequired,
    ScopeRefused,
    StoredSecret,
    allowed_scopes,
    check_certification_change,
    check_scope,
    hashed,
    new_key_id,
    new_secret,
    previous_secret_valid_until,
    secret_hash,
    secret_matches,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_key_ids_are_prefixed_and_unique():
    key_ids = {new_key_id() for _ in range(100)}
    assert len(key_ids) == 100
    assert all(key_id.startswith("vk_") and len(key_id) == 23 for key_id in key_ids)


def test_secrets_carry_at_least_256_random_bits():
    secret = new_secret()
    assert secret.startswith("vs_")
    assert len(secret) - 3 >= 43


def test_the_stored_hash_is_not_the_secret_and_differs_per_salt():
    secret = new_secret()
    first, second = hashed(secret), hashed(secret)
    assert secret not in first.hash
    assert first.salt != second.salt
    assert first.hash != second.hash


def test_the_right_secret_matches_its_hash_and_a_wrong_one_does_not():
    secret = new_secret()
    stored = hashed(secret)
    assert secret_matches(stored.salt, stored.hash, secret)
    assert not secret_matches(stored.salt, stored.hash, secret + "x")
    assert not secret_matches(stored.salt, secret_hash("other-salt", secret), secret)


def test_a_replaced_secret_works_until_its_overlap_ends():
    secret = new_secret()
    stored = hashed(secret)
    until = previous_secret_valid_until(NOW, immediately=False)
    previous = StoredSecret(stored.salt, stored.hash, until)
    assert until == NOW + ROTATION_OVERLAP
    assert previous.accepts(secret, NOW + ROTATION_OVERLAP - timedelta(seconds=1))
    assert not previous.accepts(secret, NOW + ROTATION_OVERLAP)


def test_an_immediate_rotation_stops_the_replaced_secret_at_once():
    secret = new_secret()
    stored = hashed(secret)
    previous = StoredSecret(stored.salt, stored.hash, previous_secret_valid_until(NOW, immediately=True))
    assert not previous.accepts(secret, NOW)


def test_sandbox_is_always_allowed_and_production_only_when_certified():
    assert allowed_scopes(certified=False) == (SANDBOX,)
    assert allowed_scopes(certified=True) == (SANDBOX, PRODUCTION)
    check_scope(SANDBOX, certified=False)
    check_scope(PRODUCTION, certified=True)
    with pytest.raises(ScopeRefused):
        check_scope(PRODUCTION, certified=False)


def test_decertifying_needs_a_reason_and_certifying_does_not():
    check_certification_change(certified=True, reason=None)
    check_certification_change(certified=False, reason="Failed re-certification.")
    for reason in (None, "", "   "):
        with pytest.raises(ReasonRequired):
            check_certification_change(certified=False, reason=reason)


def failures_at(*times):
    count = FailureCount()
    for moment in times:
        count = count.after_failure(moment)
    return count


def test_the_key_id_locks_after_the_most_failures_within_the_window():
    almost = failures_at(*(NOW + timedelta(seconds=i) for i in range(MAX_FAILURES - 1)))
    assert not almost.locked(NOW + timedelta(minutes=1))
    locked = almost.after_failure(NOW + timedelta(seconds=MAX_FAILURES))
    assert locked.locked(NOW + timedelta(seconds=MAX_FAILURES + 1))
    assert 0 < locked.retry_after_seconds(NOW + timedelta(seconds=MAX_FAILURES + 1)) <= LOCKOUT.total_seconds()


def test_the_lockout_ends_after_its_time():
    locked = failures_at(*(NOW for _ in range(MAX_FAILURES)))
    assert not locked.locked(NOW + LOCKOUT)
    assert locked.retry_after_seconds(NOW + LOCKOUT) == 0


def test_failures_spread_over_more_than_the_window_never_lock():
    spaced = failures_at(*(NOW + i * FAILURE_WINDOW for i in range(MAX_FAILURES * 2)))
    assert spaced.failures == 1
    assert not spaced.locked(NOW + MAX_FAILURES * 2 * FAILURE_WINDOW)


def test_any_text_offered_as_a_secret_is_compared_without_error():
    stored = hashed(new_secret())
    for offered in ("", "\x00", "\ud800", "é" * 200):
        assert not secret_matches(stored.salt, stored.hash, offered)
