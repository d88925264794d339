"""pytest fixtures for integration tests: a fresh broker vhost, fresh PostgreSQL databases, an SMTP server.

Servers come from environment variables (defaults: the local ones). Where none answers and a Docker
engine exists, testcontainers starts them.
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa

from cars_shared.db import Database, make_engine
from cars_shared.migrate import upgrade

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_AMQP_URI = os.environ.get("TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
RABBITMQ_MANAGEMENT_URL = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672")


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means: no Docker here
        return False


@contextmanager
def postgres_server() -> Iterator[str]:
    """An admin URL of a PostgreSQL server: the configured one, else a testcontainer."""
    if reachable(TEST_POSTGRES_URL, 5432) or not docker_available():
        yield TEST_POSTGRES_URL
        return
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:15") as container:
        yield container.get_connection_url(driver="psycopg2")


@contextmanager
def rabbitmq_server() -> Iterator[str]:
    """An AMQP URI of a RabbitMQ server: the configured one, else a testcontainer."""
    if reachable(TEST_AMQP_URI, 5672) or not docker_available():
        yield TEST_AMQP_URI
        return
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13-management") as container:
        yield f"amqp://guest:guest@{container.get_container_host_ip()}:{container.get_exposed_port(5672)}/"


# Each DROP DATABASE waits for a checkpoint; a few at a time, behind the running tests, hide that wait.
DROP_THREADS = 4


class PostgresDatabases:
    """Creates uniquely named databases on one server; drops them in background threads."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self._dropper = ThreadPoolExecutor(max_workers=DROP_THREADS, thread_name_prefix="drop-database")
        self._drops: list[Future[None]] = []

    def create(self, label: str) -> str:
        name = f"cars_test_{label}_{uuid.uuid4().hex[:10]}"
        with self.engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def drop(self, url: str) -> None:
        """Start dropping the database of `url` (one made by `create`); `drop_all` waits for it."""
        name = urlsplit(url).path.lstrip("/")
        self.created.remove(name)
        self._drops.append(self._dropper.submit(self._drop, name))

    def _drop(self, name: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_all(self) -> None:
        """Drop what is left and wait for every drop; a failed drop raises here."""
        for name in self.created:
            self._drops.append(self._dropper.submit(self._drop, name))
        self.created = []
        self._dropper.shutdown(wait=True)
        self.engine.dispose()
        for drop in self._drops:
            drop.result()


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


def create_vhost(amqp_uri: str) -> str:
    """A fresh vhost on the broker of `amqp_uri`, with full rights for its user; returns its URI."""
    vhost = f"cars-test-{uuid.uuid4().hex[:10]}"
    parts = urlsplit(amqp_uri)
    user = parts.username or "guest"
    try:
        api = RABBITMQ_MANAGEMENT_URL.rstrip("/")
        auth_parts = urlsplit(api)
        auth = (auth_parts.username or "guest", auth_parts.password or "guest")
        base = urlunsplit(
            auth_parts._replace(netloc=auth_parts.hostname + (f":{auth_parts.port}" if auth_parts.port else ""))
        )
        response = requests.put(f"{base}/api/vhosts/{quote(vhost, safe='')}", auth=auth, timeout=10)
        response.raise_for_status()
        requests.put(
            f"{base}/api/permissions/{quote(vhost, safe='')}/{user}",
            json={"configure": ".*", "write": ".*", "read": ".*"},
            auth=auth,
            timeout=10,
        ).raise_for_status()
    except requests.RequestException:
        if not shutil.which("rabbitmqctl"):
            raise
        _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    return urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))


def delete_vhost(vhost_uri: str) -> None:
    vhost = urlsplit(vhost_uri).path.lstrip("/")
    from urllib.parse import unquote

    name = unquote(vhost)
    try:
        api = urlsplit(RABBITMQ_MANAGEMENT_URL)
        base = urlunsplit(api._replace(netloc=api.hostname + (f":{api.port}" if api.port else "")))
        requests.delete(
            f"{base}/api/vhosts/{quote(name, safe='')}",
            auth=(api.username or "guest", api.password or "guest"),
            timeout=10,
        ).raise_for_status()
    except requests.RequestException:
        if shutil.which("rabbitmqctl"):
            _rabbitmqctl("delete_vhost", name)


@dataclass
class SmtpSink:
    """An in-process SMTP server recording what it receives."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Message] = field(default_factory=list)

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN202, N802
                sink.messages.append(message_from_bytes(envelope.content))
                return "250 OK"

        if not self.port:
            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.port = probe.getsockname()[1]
        self._controller = Controller(Handler(), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    with postgres_server() as admin_url:
        databases = PostgresDatabases(admin_url)
        yield databases
        databases.drop_all()


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> Iterator[Callable[[str], str]]:
    """Call with a label to get the URL of a new, empty PostgreSQL database, dropped when the test ends."""
    urls: list[str] = []

    def create(label: str) -> str:
        urls.append(postgres_databases.create(label))
        return urls[-1]

    yield create
    for url in urls:
        postgres_databases.drop(url)


def migrations_of(service: str) -> Path:
    """The Alembic migrations folder of a service, as its package names it."""
    return importlib.import_module(service).MIGRATIONS_DIR


@contextmanager
def _migrated_databases(url_for: Callable[[str], str]) -> Iterator[Callable[[str], Database]]:
    databases: list[Database] = []

    def create(service: str) -> Database:
        url = url_for(service)
        upgrade(migrations_of(service), url)
        databases.append(Database(url))
        return databases[-1]

    try:
        yield create
    finally:
        for database in databases:
            database.dispose()


@pytest.fixture
def migrated_database(postgres_url: Callable[[str], str]) -> Iterator[Callable[[str], Database]]:
    """Call with a service's name to get a new PostgreSQL database with that service's migrations applied."""
    with _migrated_databases(postgres_url) as create:
        yield create


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> Iterator[Callable[[str], Database]]:
    """Call with a service's name to get a SQLite file database (`<service>.db` in tmp_path) with its migrations."""
    with _migrated_databases(lambda service: f"sqlite:///{tmp_path / f'{service}.db'}") as create:
        yield create


@pytest.fixture(scope="session")
def amqp_server() -> Iterator[str]:
    with rabbitmq_server() as uri:
        yield uri


@pytest.fixture
def amqp_vhost(amqp_server: str) -> Iterator[str]:
    """The URI of a fresh, empty vhost, deleted after the test."""
    uri = create_vhost(amqp_server)
    yield uri
    delete_vhost(uri)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@dataclass
class TokenMint:
    """Signs access tokens for tests; `verifier` accepts exactly these tokens."""

    private_key: object
    kid: str
    verifier: object

    def token(self, user_id: str = "user-1", username: str = "user1", roles: tuple[str, ...] = ("filer",)) -> str:
        from cars_shared.web.auth import sign_access_token

        return sign_access_token(
            self.private_key, self.kid, user_id=user_id, username=username, roles=roles, ttl_seconds=300
        )

    def headers(self, **kwargs: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**kwargs)}"}


@pytest.fixture(scope="session")
def token_mint() -> TokenMint:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cars_shared.web.auth import TokenVerifier

    key = Ed25519PrivateKey.generate()
    return TokenMint(key, "test-key", TokenVerifier(keys={"test-key": key.public_key()}))
