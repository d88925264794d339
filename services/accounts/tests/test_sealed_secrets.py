"""TOTP secrets and signing keys are encrypted at rest in PostgreSQL with the data keys."""

from datetime import UTC, datetime

import pyotp
import pytest
from alembic import command
from sqlalchemy import select, text

from accounts import MIGRATIONS_DIR, handlers
from accounts.models import SigningKeyRecord, User
from accounts.signing_key import SigningKey, pem_text
from cars_shared.data_keys import SEALED_PREFIX, UnknownDataKey, new_data_key_text
from cars_shared.db import Database
from cars_shared.migrate import alembic_config, upgrade

PASSWORD = "quiet river stone"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


def enrolled_user(database):
    """A user with MFA on and another enrolment pending; answers the user id and both secrets."""
    with database.session() as session:
        user = handlers.register_user(session, "jdoe", "jdoe@example.org", PASSWORD)
    with database.session() as session:
        secret = handlers.begin_totp_enrolment(session, user.id).secret
    with database.session() as session:
        handlers.confirm_totp_enrolment(session, user.id, pyotp.TOTP(secret).now())
    with database.session() as session:
        session.get(User, user.id).mfa_pending_secret = TOTP_SECRET
    return user.id, secret


def stored_columns(database, sql, **parameters):
    """Column values as the database holds them, not as the models read them."""
    with database.engine.connect() as connection:
        return connection.execute(text(sql), parameters).one()


def test_the_stored_totp_secrets_are_not_the_plaintext_but_read_back_as_issued(database):
    user_id, secret = enrolled_user(database)
    stored = stored_columns(database, "SELECT mfa_secret, mfa_pending_secret FROM users WHERE id = :id", id=user_id)
    for column, plaintext in zip(stored, (secret, TOTP_SECRET), strict=True):
        assert column.startswith(SEALED_PREFIX)
        assert plaintext not in column
    with database.session() as session:
        user = session.get(User, user_id)
        assert (user.mfa_secret, user.mfa_pending_secret) == (secret, TOTP_SECRET)


def test_a_totp_code_still_signs_in_with_the_secret_sealed(database):
    _user_id, secret = enrolled_user(database)
    key = SigningKey.generate()
    with database.session() as session:
        challenge = handlers.sign_in(session, key, "jdoe", PASSWORD).challenge
    with database.session() as session:
        # The enrolment used the current time step, so the next step's code is the one not yet used.
        code = pyotp.TOTP(secret).at(datetime.now(UTC).timestamp() + 30)
        issued = handlers.complete_mfa_sign_in(session, key, challenge, code)
    assert key.verifier().verify(issued.access_token).claims["mfa"] is True


def test_the_stored_signing_keys_are_not_the_pem(database):
    configured = SigningKey.generate()
    with database.session() as session:
        ring = handlers.load_key_ring(session, lambda: configured)
    (stored,) = stored_columns(database, "SELECT private_pem FROM signing_keys WHERE kid = :kid", kid=configured.kid)
    assert stored.startswith(SEALED_PREFIX)
    assert "PRIVATE KEY" not in stored and pem_text(configured) not in stored
    assert ring.current.kid == configured.kid


def test_reading_with_a_wrong_data_key_fails_loudly(database, monkeypatch):
    user_id, _secret = enrolled_user(database)
    with database.session() as session:
        handlers.load_key_ring(session)
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", new_data_key_text())
    with pytest.raises(UnknownDataKey), database.session() as session:
        session.get(User, user_id)
    with pytest.raises(UnknownDataKey), database.session() as session:
        handlers.load_key_ring(session)


def test_a_new_data_key_reseals_everything_so_the_old_one_can_be_dropped(database, monkeypatch, data_key):
    user_id, secret = enrolled_user(database)
    with database.session() as session:
        kid = handlers.load_key_ring(session).current.kid
    newer = new_data_key_text()
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", f"{newer},{data_key}")
    with database.session() as session:
        assert handlers.reseal_secrets(session) == 3
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", newer)
    with database.session() as session:
        user = session.get(User, user_id)
        assert (user.mfa_secret, user.mfa_pending_secret) == (secret, TOTP_SECRET)
        assert handlers.load_key_ring(session).current.kid == kid


def test_the_migration_seals_existing_secrets_and_its_downgrade_opens_them(postgres_url):
    url = postgres_url("accounts")
    upgrade(MIGRATIONS_DIR, url, "0004_vendors")
    pem = pem_text(SigningKey.generate())
    now = datetime.now(UTC)
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, username_key, email, password_hash, roles, created_at,"
                    " mfa_secret) VALUES ('u-1', 'jdoe', 'jdoe', 'jdoe@example.org', 'x', '[\"filer\"]', :now, :secret)"
                ),
                {"now": now, "secret": TOTP_SECRET},
            )
            connection.execute(
                text("INSERT INTO signing_keys (kid, private_pem, created_at) VALUES ('k-1', :pem, :now)"),
                {"pem": pem, "now": now},
            )
        upgrade(MIGRATIONS_DIR, url)
        sealed = stored_columns(
            database, "SELECT u.mfa_secret, k.private_pem FROM users u, signing_keys k WHERE u.id = 'u-1'"
        )
        assert all(value.startswith(SEALED_PREFIX) for value in sealed)
        with database.session() as session:
            assert session.get(User, "u-1").mfa_secret == TOTP_SECRET
            assert session.scalar(select(SigningKeyRecord.private_pem)) == pem
        command.downgrade(alembic_config(MIGRATIONS_DIR, url), "0004_vendors")
        opened = stored_columns(
            database, "SELECT u.mfa_secret, k.private_pem FROM users u, signing_keys k WHERE u.id = 'u-1'"
        )
        assert tuple(opened) == (TOTP_SECRET, pem)
    finally:
        database.dispose()
