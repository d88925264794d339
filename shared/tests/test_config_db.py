from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cars_shared import config
from cars_shared.config import SERVICES, database_url, setting, var_path
from cars_shared.db import Database, make_engine
from cars_shared.messaging_tables import metadata, outbox
from cars_shared.migrate import upgrade

MIGRATIONS_DIR = Path(__file__).resolve().parent / "sample_migrations"


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    for service in SERVICES:
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    return tmp_path / "var"


def test_database_url_defaults_to_a_sqlite_file_under_var_dir(var_dir):
    assert database_url("fees") == f"sqlite:///{(var_dir / 'fees.db').resolve()}"
    assert var_dir.is_dir()


def test_database_url_comes_from_the_services_variable(var_dir, monkeypatch):
    monkeypatch.setenv("FEES_DATABASE_URL", "postgresql://postgres@db.example:5432/fees")
    assert database_url("fees") == "postgresql://postgres@db.example:5432/fees"
    assert database_url("notify").startswith("sqlite:///")


def test_every_service_declares_its_database_and_gateway_variables():
    for service in SERVICES:
        assert f"{service.upper()}_DATABASE_URL" in config.VARIABLES
        assert f"{service.upper()}_GATEWAY_URL" in config.VARIABLES
    assert all(variable.description for variable in config.VARIABLES.values())


def test_settings_read_the_environment_else_their_default(monkeypatch):
    monkeypatch.delenv("HANDLER_ATTEMPTS", raising=False)
    assert setting("HANDLER_ATTEMPTS") == config.HANDLER_ATTEMPTS.default == "8"
    monkeypatch.setenv("HANDLER_ATTEMPTS", "2")
    assert setting("HANDLER_ATTEMPTS") == "2"
    with pytest.raises(KeyError):
        setting("NOT_DECLARED_ANYWHERE")


def test_var_path_creates_its_folder(var_dir):
    path = var_path("blobs", "2026", "notice.pdf")
    assert path == var_dir / "blobs" / "2026" / "notice.pdf"
    assert path.parent.is_dir()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgresql_urls_use_psycopg2(scheme):
    engine = make_engine(f"{scheme}://postgres@127.0.0.1:5432/postgres")
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg2")
    engine.dispose()


def test_database_on_postgresql_connects_and_knows_it(pg_database):
    pg_database.ping()
    assert pg_database.is_postgres


def test_sqlite_engine_enables_wal_and_foreign_keys(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert not database.is_postgres
    database.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_session_commits_at_the_end_and_rolls_back_on_error(backend, request):
    database = request.getfixturevalue("pg_database" if backend == "postgresql" else "sqlite_database")
    row = {"event_id": "e-1", "producer": "fees", "event_type": "fee_assessed", "envelope": {}}
    with pytest.raises(ValueError), database.session() as session:
        session.execute(outbox.insert().values(**row, created_at=text("CURRENT_TIMESTAMP")))
        raise ValueError("abandon")
    with database.session() as session:
        session.execute(outbox.insert().values(**{**row, "event_id": "e-2"}, created_at=text("CURRENT_TIMESTAMP")))
    with database.session() as session:
        assert session.execute(outbox.select().with_only_columns(outbox.c.event_id)).scalars().all() == ["e-2"]


def test_messaging_tables_create_on_both_backends(sqlite_database, pg_database):
    for database in (sqlite_database, pg_database):
        with database.engine.connect() as connection:
            names = set(database.engine.dialect.get_table_names(connection))
        assert {"outbox", "inbox"} <= names
    assert set(metadata.tables) == {"outbox", "inbox"}


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_migrations_run_from_code_create_the_messaging_tables(backend, postgres_url, tmp_path):
    url = postgres_url("migrate") if backend == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    upgrade(MIGRATIONS_DIR, url)
    upgrade(MIGRATIONS_DIR, url)  # a second run is a no-op
    engine = make_engine(url)
    with engine.connect() as connection:
        names = set(engine.dialect.get_table_names(connection))
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert {"outbox", "inbox", "notes", "alembic_version"} <= names
    assert version == "0001"


def _backend_pid(session):
    return session.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_pooled_connection_idle_long_enough_is_checked_and_replaced_when_gone(postgres_url):
    url = postgres_url("idle_ping")
    checked = Database(url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0)
    unchecked = Database(url, pool_size=1, max_overflow=0, ping_after_idle_seconds=3600)
    try:
        for database, survives in ((checked, True), (unchecked, False)):
            with database.session() as session:
                first = _backend_pid(session)
            with Database(url).session() as admin:
                assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar()
            if survives:
                # Idle past the threshold: checked on checkout, found gone, replaced by a new connection.
                with database.session() as session:
                    assert _backend_pid(session) != first
            else:
                # Returned moments ago: lent without a check, so the first use meets the dead connection.
                with pytest.raises(OperationalError), database.session() as session:
                    _backend_pid(session)
                with database.session() as session:
                    assert _backend_pid(session) != first
    finally:
        checked.dispose()
        unchecked.dispose()
