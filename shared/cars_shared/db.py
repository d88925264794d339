"""SQLAlchemy engines and transactional session scopes for workers and gateways."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
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
    defaults = {"pool_size": 10, "max_overflow": 10, "executemany_mode": "values_plus_batch"}
    options = defaults | options
    ping_when_idle = options.pop("pool_pre_ping", True)
    idle_seconds = float(options.pop("ping_after_idle_seconds", PING_AFTER_IDLE_SECONDS))  # type: ignore[arg-type]
    engine = create_engine(url, **options)
    if ping_when_idle:
        _ping_connections_idle_for(engine, idle_seconds)
    return engine


PING_AFTER_IDLE_SECONDS = 5.0
"""A pooled PostgreSQL connection unused for this long is checked before it is lent out again."""


def _ping_connections_idle_for(engine: Engine, seconds: float) -> None:
    """Check a pooled connection that sat idle for `seconds` or more before lending it out; replace it if it is gone.

    A server restart or an idle-connection timeout leaves dead connections in the pool, which the check catches
    (the pool then opens a new connection). A connection returned moments ago is lent without the round trip a
    check costs on every checkout.
    """

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _lent(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as gone:
            # The pool discards this connection and lends a new one instead.
            raise exc.DisconnectionError(str(gone)) from gone


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
