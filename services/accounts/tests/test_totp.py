from datetime import UTC, datetime, timedelta

import pyotp

from accounts.domain.totp import matching_step, new_secret, provisioning_uri

NOW = datetime(2026, 3, 2, 12, 0, 10, tzinfo=UTC)


def code_at(secret, moment):
    return pyotp.TOTP(secret).at(moment)


def test_the_current_code_matches_its_time_step():
    secret = new_secret()
    assert matching_step(secret, code_at(secret, NOW), NOW) == int(NOW.timestamp()) // 30


def test_a_code_one_step_off_is_accepted_for_clock_drift_but_not_two():
    secret = new_secret()
    assert matching_step(secret, code_at(secret, NOW - timedelta(seconds=30)), NOW) is not None
    assert matching_step(secret, code_at(secret, NOW + timedelta(seconds=90)), NOW) is None


def test_a_code_of_a_step_already_used_is_refused():
    secret = new_secret()
    step = matching_step(secret, code_at(secret, NOW), NOW)
    assert matching_step(secret, code_at(secret, NOW), NOW, last_used_step=step) is None


def test_malformed_codes_are_refused():
    secret = new_secret()
    for code in ("", "12345", "abcdef", "1234567"):
        assert matching_step(secret, code, NOW) is None


def test_the_provisioning_uri_names_cars_and_the_account():
    uri = provisioning_uri("JBSWY3DPEHPK3PXP", "jdoe")
    assert uri.startswith("otpauth://totp/CARS:jdoe?")
    assert "secret=JBSWY3DPEHPK3PXP" in uri
