import re
from datetime import UTC, datetime, timedelta

from accounts.domain.one_time_token import (
    EMAIL_VERIFICATION,
    PASSWORD_RESET,
    TOKEN_PATTERN,
    expires_at,
    is_usable,
    link,
    new_token,
    token_hash,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_tokens_are_random_and_fit_the_accepted_format():
    tokens = {new_token() for _ in range(20)}
    assert len(tokens) == 20
    assert all(re.fullmatch(TOKEN_PATTERN, token) for token in tokens)


def test_the_stored_hash_is_stable_and_not_the_token():
    token = new_token()
    assert token_hash(token) == token_hash(token) != token


def test_verification_links_last_48_hours_and_reset_links_one():
    assert expires_at(EMAIL_VERIFICATION, NOW) == NOW + timedelta(hours=48)
    assert expires_at(PASSWORD_RESET, NOW) == NOW + timedelta(hours=1)


def test_a_token_is_usable_once_and_only_before_it_expires():
    later = NOW + timedelta(hours=1)
    assert is_usable(expires=later, used=None, now=NOW)
    assert not is_usable(expires=later, used=NOW, now=NOW)
    assert not is_usable(expires=NOW, used=None, now=NOW)


def test_the_link_keeps_the_token_in_the_fragment():
    assert link("https://cars.example/", "/account/verify-email", "abc") == (
        "https://cars.example/account/verify-email#token=abc"
    )
