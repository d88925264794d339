"""The webhook signing scheme, URL checks and retry schedule shared by filings' and notify's webhooks."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from cars_shared.webhook_signing import (
    SECRET_PREFIX,
    RetrySchedule,
    SignatureInvalid,
    WebhookUrlRefused,
    check_webhook_url,
    delivered,
    is_internal_host,
    new_signing_secret,
    signature,
    signature_header,
    verify_signature,
)

SECRET = "whsec_test-secret"
BODY = b'{"event": "x"}'
NOW = 1_800_000_000


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1800000000." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, NOW, BODY) == expected
    assert signature_header(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"


def test_a_signed_body_verifies_and_returns_its_timestamp():
    header = signature_header(SECRET, BODY, NOW)
    assert verify_signature(SECRET, BODY, header, now=NOW + 10) == NOW
    rotated = f"{header},v1={signature('whsec_other', NOW, BODY)}"
    assert verify_signature("whsec_other", BODY, rotated, now=NOW) == NOW


@pytest.mark.parametrize(
    ("header", "body", "now"),
    [
        (None, BODY, NOW),
        ("", BODY, NOW),
        ("v1=abc", BODY, NOW),
        (f"t={NOW}", BODY, NOW),
        (f"t={NOW},v1=" + "0" * 64, BODY, NOW),
        ("SIGNED", b'{"event": "y"}', NOW),
        ("SIGNED", BODY, NOW + 301),
        ("SIGNED", BODY, NOW - 301),
    ],
)
def test_bad_or_stale_signatures_are_refused(header, body, now):
    if header == "SIGNED":
        header = signature_header(SECRET, BODY, NOW)
    with pytest.raises(SignatureInvalid):
        verify_signature(SECRET, body, header, now=now)


def test_new_signing_secrets_are_marked_and_random():
    first, second = new_signing_secret(), new_signing_secret()
    assert first.startswith(SECRET_PREFIX) and second.startswith(SECRET_PREFIX)
    assert first != second and len(first) > 40


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",
        "https://user:pw@example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://localhost/hook",
        "https://bad_host!/hook",
        "https://example.org:99999/hook",
        "https://example.org/ hook",
        "https:///hook",
        "https://example.org/" + "a" * 2000,
        "https://example.org/hook#part",
    ],
)
def test_refused_urls(url):
    with pytest.raises(WebhookUrlRefused):
        check_webhook_url(url)


def test_allowed_urls():
    assert check_webhook_url("https://hooks.example.org/cars") == "https://hooks.example.org/cars"
    assert check_webhook_url("http://127.0.0.1:8080/hook", allow_local=True) == "http://127.0.0.1:8080/hook"
    assert check_webhook_url("https://example.org/hook#part", allow_fragment=True) == "https://example.org/hook#part"
    assert is_internal_host("api.localhost") and not is_internal_host("8.8.8.8")


def test_the_retry_schedule_doubles_up_to_the_cap_then_gives_up():
    schedule = RetrySchedule(max_attempts=12)
    failed_at = datetime(2026, 1, 1, tzinfo=UTC)
    assert [schedule.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert schedule.backoff(11) == timedelta(hours=6)
    assert schedule.backoff(100) == timedelta(hours=6)
    assert schedule.next_attempt_at(1, failed_at) == failed_at + timedelta(minutes=1)
    assert schedule.next_attempt_at(12, failed_at) is None


def test_only_2xx_answers_count_as_delivered():
    assert delivered(200) and delivered(204)
    assert not delivered(301) and not delivered(500)
