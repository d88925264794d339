"""Alembic, driven from code: each service keeps its own migrations folder and version table."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from cars_shared.db import make_engine


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Bring a service's database up to `revision`."""
    command.upgrade(alembic_config(migrations_dir, url), revision)


def run_env(*metadatas: MetaData) -> None:
    """The body of every service's migrations/env.py (online and offline modes)."""
    url = context.config.get_main_option("sqlalchemy.url")
    target = list(metadatas)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_messaging_tables(connection: object) -> None:
    """For a service's first migration: the outbox and inbox tables."""
    from cars_shared.messaging_tables import metadata

    metadata.create_all(connection)


def drop_messaging_tables(connection: object) -> None:
    from cars_shared.messaging_tables import metadata

    metadata.drop_all(connection)
