"""Fixtures of the shared package's tests: messaging-ready databases and plain kombu listeners."""

import uuid

import kombu
import pytest
from sqlalchemy import text

from cars_shared.bus import event_exchange
from cars_shared.db import Database
from cars_shared.messaging_tables import metadata


def messaging_database(url):
    database = Database(url)
    metadata.create_all(database.engine)
    return database


@pytest.fixture(scope="session")
def shared_pg_database(postgres_databases):
    # One database for the session, emptied before each test: dropping a database per test is slow.
    database = messaging_database(postgres_databases.create("shared"))
    yield database
    database.dispose()


@pytest.fixture
def pg_database(shared_pg_database):
    """A PostgreSQL database with empty outbox and inbox tables."""
    with shared_pg_database.session() as session:
        session.execute(text("TRUNCATE outbox, inbox RESTART IDENTITY"))
    return shared_pg_database


@pytest.fixture
def sqlite_database(tmp_path):
    database = messaging_database(f"sqlite:///{tmp_path / 'shared.db'}")
    yield database
    database.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def database(request):
    """A database holding the outbox and inbox tables, on each backend the code branches on."""
    return request.getfixturevalue("pg_database" if request.param == "postgresql" else "sqlite_database")


class Listener:
    """A durable queue bound to a producer's event exchange, read with plain kombu."""

    def __init__(self, amqp_uri, producer, routing_key="#"):
        self.amqp_uri = amqp_uri
        self.queue = kombu.Queue(
            f"listener-{uuid.uuid4().hex[:8]}",
            exchange=event_exchange(producer),
            routing_key=routing_key,
            durable=True,
        )
        with kombu.Connection(amqp_uri) as connection:
            self.queue(connection.default_channel).declare()

    def take_all(self):
        """Every waiting message (acknowledged), in arrival order."""
        messages = []
        with kombu.Connection(self.amqp_uri) as connection:
            queue = self.queue(connection.default_channel)
            while (message := queue.get(no_ack=True)) is not None:
                messages.append(message)
        return messages


@pytest.fixture
def listen(amqp_vhost):
    """Call with a producer to start collecting the events published on its exchange."""

    def start(producer, routing_key="#"):
        return Listener(amqp_vhost, producer, routing_key)

    return start
