"""Rules of feed partner accounts: slugs, broker permissions, secrets."""

import re

import pytest

from accounts.feed_partners import rules
from accounts.feed_partners.broker import BrokerSettings


def test_a_slug_is_the_name_in_lower_case_ascii_joined_by_hyphens():
    assert rules.slug_of("Franchise Tax Board") == "franchise-tax-board"
    assert rules.slug_of("  Café  Niños -- Data ") == "cafe-ninos-data"
    assert len(rules.slug_of("x" * 80)) == rules.SLUG_MAX_LENGTH


def test_a_name_without_letters_or_digits_needs_a_given_slug():
    with pytest.raises(rules.SlugRejected):
        rules.slug_of("— ✓ —")


@pytest.mark.parametrize("slug", ["-fppc", "fppc-", "f.ppc", "FPPC", "a--b", "x" * 41, ""])
def test_slugs_that_could_reach_another_partners_queues_are_refused(slug):
    with pytest.raises(rules.SlugRejected):
        rules.checked_slug(slug)


def test_permissions_confine_a_partner_to_its_own_queues_and_the_public_exchange():
    permissions = rules.broker_permissions("fppc")
    assert permissions.configure == r"^partner-fppc\..*$"
    assert permissions.write == r"^partner-fppc\..*$"
    assert permissions.read == r"^(partner-fppc\..*|cars\.public)$"
    read = re.compile(permissions.read)
    assert read.match("partner-fppc.alerts") and read.match("cars.public")
    for other in ("partner-fppc-2.q", "partner-ftb.q", "filings.events", "cars.publicity", "partner-fppc"):
        assert not read.match(other), other
    assert not re.match(permissions.write, "cars.public")


def test_broker_settings_fall_back_on_the_management_url_and_amqp_uri(monkeypatch):
    monkeypatch.setenv("AMQP_URI", "amqp://cars:amqp-pw@rabbit.internal:5672/cars%2Fprod")
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_URL", "http://rabbit.internal:15672/")
    for name in ("RABBITMQ_MANAGEMENT_USER", "RABBITMQ_MANAGEMENT_PASSWORD", "PARTNER_AMQP_VHOST", "PARTNER_AMQP_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = BrokerSettings.from_config()
    assert (settings.management_url, settings.user, settings.password) == (
        "http://rabbit.internal:15672",
        "cars",
        "amqp-pw",
    )
    assert settings.vhost == "cars/prod"
    assert settings.partner_url == "amqp://rabbit.internal:5672/cars%2Fprod"
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_URL", "http://admin:url-pw@rabbit.internal:15672")
    monkeypatch.setenv("RABBITMQ_MANAGEMENT_PASSWORD", "explicit-pw")
    monkeypatch.setenv("PARTNER_AMQP_URL", "amqps://feeds.cars.sos.ca.gov:5671/")
    settings = BrokerSettings.from_config()
    assert (settings.management_url, settings.user, settings.password) == (
        "http://rabbit.internal:15672",
        "admin",
        "explicit-pw",
    )
    assert settings.partner_url == "amqps://feeds.cars.sos.ca.gov:5671/"


def test_api_key_ids_and_secrets_are_random_and_recognisable():
    assert rules.KEY_ID_PATTERN.match(rules.new_key_id())
    assert rules.new_key_id() != rules.new_key_id()
    assert rules.new_secret().startswith("fps_") and rules.new_secret() != rules.new_secret()
