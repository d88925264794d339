from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from notify.domain.alert_links import (
    CONFIRM,
    UNSUBSCRIBE,
    confirmation_link,
    signature,
    signature_valid,
    unsubscribe_link,
)

KEY = b"k" * 32
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def query(link):
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def test_an_unsubscribe_link_opens_its_own_subscription_only():
    token = query(unsubscribe_link("https://cars.example", KEY, "sub-1"))["token"]
    assert signature_valid(KEY, UNSUBSCRIBE, "sub-1", token, now=NOW)
    assert not signature_valid(KEY, UNSUBSCRIBE, "sub-2", token, now=NOW)
    assert not signature_valid(KEY, CONFIRM, "sub-1", token, now=NOW)
    assert not signature_valid(b"x" * 32, UNSUBSCRIBE, "sub-1", token, now=NOW)


def test_a_confirmation_link_works_for_seven_days_and_its_expiry_cannot_be_edited():
    link = confirmation_link("https://cars.example/", KEY, "sub-1", NOW)
    assert link.startswith("https://cars.example/api/notify/alerts/confirm?")
    params = query(link)
    expires = int(params["expires"])
    assert signature_valid(KEY, CONFIRM, "sub-1", params["token"], expires=expires, now=NOW + timedelta(days=6))
    assert not signature_valid(KEY, CONFIRM, "sub-1", params["token"], expires=expires, now=NOW + timedelta(days=8))
    assert not signature_valid(
        KEY, CONFIRM, "sub-1", params["token"], expires=expires + 86400 * 30, now=NOW + timedelta(days=8)
    )


def test_signatures_are_url_safe():
    assert all(c.isalnum() or c in "-_" for c in signature(KEY, CONFIRM, "sub-1", 10**9))
