"""Vendor webhook signing secrets are encrypted at rest in PostgreSQL with the filings data keys."""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import select, text

from cars_shared.data_keys import SEALED_PREFIX, DataKey, UnknownDataKey, from_b64, new_data_key_text
from cars_shared.db import Database
from cars_shared.migrate import alembic_config, upgrade
from filings import MIGRATIONS_DIR, keys_cli
from filings.vendors import handlers
from filings.vendors.models import WebhookEndpoint

VENDOR = "vendor-acme"
URL = "https://hooks.example.com/cars"
PLAIN_SECRET = "whsec_issued-before-secrets-were-sealed-at-rest"


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


def stored_secret(database, vendor_id=VENDOR):
    """The signing secret as the database holds it, not as the model reads it."""
    with database.engine.connect() as connection:
        query = text("SELECT signing_secret FROM vendor_webhook_endpoints WHERE vendor_id = :vendor_id")
        return connection.execute(query, {"vendor_id": vendor_id}).scalar_one()


def configured_secret(database, **options):
    with database.session() as session:
        return handlers.configure_webhook(session, VENDOR, URL, **options).new_secret


def test_the_stored_signing_secret_is_sealed_but_reads_back_as_issued(database):
    secret = configured_secret(database)

    stored = stored_secret(database)
    assert stored.startswith(SEALED_PREFIX) and secret not in stored
    with database.session() as session:
        assert handlers.webhook_of(session, VENDOR).signing_secret == secret


def test_a_rotated_secret_is_sealed_too(database):
    configured_secret(database)
    rotated = configured_secret(database, rotate_secret=True)

    assert rotated not in stored_secret(database)
    with database.session() as session:
        assert handlers.webhook_of(session, VENDOR).signing_secret == rotated


def test_reading_with_a_wrong_data_key_fails_loudly(database, monkeypatch):
    configured_secret(database)
    monkeypatch.setenv("FILINGS_DATA_KEY", new_data_key_text())

    with pytest.raises(UnknownDataKey), database.session() as session:
        handlers.webhook_of(session, VENDOR)


def test_reseal_moves_the_secrets_to_the_newest_data_key_so_the_old_one_can_be_dropped(
    database, monkeypatch, capsys, data_key
):
    secret = configured_secret(database)
    newer = new_data_key_text()
    monkeypatch.setenv("FILINGS_DATABASE_URL", database.url)
    monkeypatch.setenv("FILINGS_DATA_KEY", f"{newer},{data_key}")

    assert keys_cli.main(["reseal"]) == 0

    kid = DataKey(from_b64(newer), "filings").kid
    assert f"resealed 1 webhook signing secret with data key {kid}" in capsys.readouterr().out
    assert stored_secret(database).startswith(f"{SEALED_PREFIX}{kid}:")
    monkeypatch.setenv("FILINGS_DATA_KEY", newer)
    with database.session() as session:
        assert handlers.webhook_of(session, VENDOR).signing_secret == secret


def test_the_migration_seals_existing_secrets_and_its_downgrade_opens_them(postgres_url):
    url = postgres_url("filings")
    upgrade(MIGRATIONS_DIR, url, "0004_vendor_certification")
    now = datetime.now(UTC)
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO vendor_webhook_endpoints"
                    " (vendor_id, url, signing_secret, secret_created_at, created_at, updated_at)"
                    " VALUES (:vendor_id, :url, :secret, :now, :now, :now)"
                ),
                {"vendor_id": VENDOR, "url": URL, "secret": PLAIN_SECRET, "now": now},
            )
        upgrade(MIGRATIONS_DIR, url, "0005_sealed_webhook_secrets")
        assert stored_secret(database).startswith(SEALED_PREFIX)
        with database.session() as session:
            assert session.scalar(select(WebhookEndpoint.signing_secret)) == PLAIN_SECRET
        command.downgrade(alembic_config(MIGRATIONS_DIR, url), "0004_vendor_certification")
        assert stored_secret(database) == PLAIN_SECRET
    finally:
        database.dispose()
