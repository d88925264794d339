"""SQLAlchemy engines and transactional session scopes for workers and gateways."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **options: object) -> Engine:
    """An engine tuned for the backend: SQLite in WAL mode with foreign keys, others pooled."""
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg2 cooperates with eventlet in worker processes as shipped.
        url = "postgresql+psycopg2://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # Many-row UPDATEs and DELETEs (an ORM flush of several changed rows) go in pages of one round trip each
    # (psycopg2's execute_batch) rather than one round trip per row; their rowcount is then not reported.
    defaults = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10, "executemany_mode": "values_plus_batch"}
    return create_engine(url, **(defaults | options))


class Database:
    """One service's datastore: an engine and a session factory."""

    def __init__(self, url: str, **engine_options: object) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer per file, and a connection waiting for the write lock blocks its whole OS thread.
        # In a worker, green threads share one OS thread: one that holds the lock while it waits on the network
        # (a handler fetching over HTTP, a relay awaiting confirms) would never get it back to finish. Sessions of
        # one process therefore take turns on a lock green threads wait for cooperatively; other processes still
        # meet the busy timeout. (Made after eventlet's monkey-patching, this lock is a green one.)
        self._turns: AbstractContextManager[object] = threading.RLock() if url.startswith("sqlite") else nullcontext()

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls back on an exception."""
        with self._turns:
            session = self._sessions()
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
