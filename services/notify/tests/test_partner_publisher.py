"""The AMQP channel: the feed goes to `cars.public` in order, confirmed, resuming from its watermark."""

import json
import socket
from datetime import UTC, datetime

import kombu
import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.registry import load_all, payload_schema
from notify.partners.handlers import record_public_events
from notify.partners.publisher import ConfirmingChannel, FeedPublisher, public_exchange, watermark


def internal(producer, type_, **changes):
    example = load_all()[(producer, type_, 1)].example
    return make_event(producer, type_, payload_schema(producer, type_).load({**example, **changes}))


def record(database, *events):
    with database.session() as session:
        return record_public_events(session, [read_event(e) for e in events], "https://cars.example", datetime.now(UTC))


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database(migrated_database):
    return migrated_database("notify")


@pytest.fixture
def partner_queue(amqp_vhost):
    """A partner's queue bound to every public event type, as the example consumer binds it."""
    with kombu.Connection(amqp_vhost) as connection:
        queue = kombu.Queue("partner-test.all", exchange=public_exchange(), routing_key="#", durable=True)
        queue(connection.default_channel).declare()
        yield queue(connection.default_channel)


def drain(queue):
    messages = []
    while (message := queue.get()) is not None:
        message.ack()
        messages.append(message)
    return messages


def test_publisher_sends_the_feed_in_order_with_type_routing_keys_and_event_ids(database, amqp_vhost, partner_queue):
    record(
        database,
        internal("filings", "entity_registered"),
        internal("filings", "filing_accepted"),
        internal("fees", "fine_assessed"),
    )
    publisher = FeedPublisher(database, ConfirmingChannel(amqp_vhost))
    assert publisher.publish_pending() == 3
    assert publisher.publish_pending() == 0
    publisher.channel.close()
    messages = drain(partner_queue)
    events = [json.loads(message.body) for message in messages]
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert [m.delivery_info["routing_key"] for m in messages] == [
        "entity.registered",
        "filing.accepted",
        "fine.assessed",
    ]
    assert [m.properties["message_id"] for m in messages] == [e["event_id"] for e in events]
    with database.session() as session:
        assert watermark(session) == 3


def test_publisher_resumes_from_its_watermark_after_a_broker_outage(database, amqp_vhost, partner_queue):
    record(database, internal("filings", "filing_accepted", filing_id="f-1"))
    publisher = FeedPublisher(database, ConfirmingChannel(amqp_vhost))
    assert publisher.publish_pending() == 1
    record(database, internal("filings", "filing_accepted", filing_id="f-2"))
    record(database, internal("filings", "filing_accepted", filing_id="f-3"))

    publisher.channel = ConfirmingChannel(f"amqp://guest:guest@127.0.0.1:{unused_port()}/")
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the connection error, nothing is marked sent
        publisher.publish_pending()
    with database.session() as session:
        assert watermark(session) == 1

    publisher.channel = ConfirmingChannel(amqp_vhost)
    assert publisher.publish_pending() == 2
    publisher.channel.close()
    assert [json.loads(m.body)["payload"]["filing_id"] for m in drain(partner_queue)] == ["f-1", "f-2", "f-3"]
