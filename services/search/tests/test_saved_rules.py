from datetime import UTC, datetime

import pytest

from search.saved.schedules import ALERT_HOUR_UTC, DAILY, NEVER, WEEKLY, is_newer, next_run_at
from search.saved.share_tokens import new_share_token, share_link, well_formed


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_an_unscheduled_search_never_runs():
    assert next_run_at(NEVER, at(2, 9)) is None


def test_daily_alerts_run_at_the_next_alert_hour():
    assert next_run_at(DAILY, at(2, 9)) == at(2, ALERT_HOUR_UTC)
    assert next_run_at(DAILY, at(2, ALERT_HOUR_UTC)) == at(3, ALERT_HOUR_UTC)
    assert next_run_at(DAILY, at(2, 20)) == at(3, ALERT_HOUR_UTC)


def test_weekly_alerts_run_about_a_week_later_at_the_alert_hour():
    assert next_run_at(WEEKLY, at(2, ALERT_HOUR_UTC)) == at(9, ALERT_HOUR_UTC)
    assert next_run_at(WEEKLY, at(2, 9)) == at(8, ALERT_HOUR_UTC)


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="schedule"):
        next_run_at("hourly", at(2, 9))


def test_newer_means_a_later_date_or_the_same_date_and_a_later_id():
    watermark = (at(2, 9), "transaction:b")
    assert is_newer(at(2, 10), "transaction:a", watermark)
    assert is_newer(at(2, 9), "transaction:c", watermark)
    assert not is_newer(at(2, 9), "transaction:b", watermark)
    assert not is_newer(at(1, 23), "transaction:z", watermark)
    assert is_newer(at(1, 1), "anything", None)


def test_share_tokens_are_long_random_and_url_safe():
    tokens = {new_share_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(well_formed(token) and len(token) == 43 for token in tokens)


@pytest.mark.parametrize("token", ["", "short", "x" * 44, "../../etc/passwd" + "a" * 27, "a b" + "c" * 40])
def test_anything_not_shaped_like_a_share_token_is_refused_without_a_lookup(token):
    assert not well_formed(token)


def test_share_link_points_at_the_public_route():
    assert share_link("https://cars.example/", "t" * 43) == "https://cars.example/api/search/shared/" + "t" * 43
