from datetime import UTC, date, datetime

import pytest

from notify.domain.preferences import DAILY_DIGEST, Preference, digest_due


def test_by_default_every_kind_is_emailed_at_once():
    preference = Preference()
    assert preference.emails("correspondence") and preference.emails("payment_reminder")
    assert not preference.in_digest


def test_an_unknown_kind_or_delivery_is_refused():
    with pytest.raises(ValueError, match="unknown kinds"):
        Preference(email_kinds=frozenset({"newsletter"}))
    with pytest.raises(ValueError, match="delivery"):
        Preference(delivery="weekly")


def test_a_kind_left_out_is_not_emailed():
    preference = Preference(email_kinds=frozenset({"payment_reminder"}), delivery=DAILY_DIGEST)
    assert not preference.emails("correspondence")
    assert preference.in_digest


def test_the_digest_goes_out_once_a_day_from_the_digest_hour():
    morning = datetime(2026, 3, 2, 14, 59, tzinfo=UTC)
    afternoon = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert not digest_due(morning, None)
    assert digest_due(afternoon, None)
    assert digest_due(afternoon, date(2026, 3, 1))
    assert not digest_due(afternoon, date(2026, 3, 2))
