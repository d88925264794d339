import json

import pytest
from sqlalchemy import select

from cars_shared import outbox
from cars_shared.events import make_event
from cars_shared.messaging_tables import outbox as outbox_table
from cars_shared.relay import ConfirmingPublisher, OutboxRelay


def indexed(n):
    return make_event("search", "document_indexed", {"document_id": f"doc-{n}", "kind": "filing"})


def add_committed(database, events):
    with database.session() as session:
        for event in events:
            outbox.add(session, event)


def outbox_rows(database):
    with database.session() as session:
        return session.execute(select(outbox_table).order_by(outbox_table.c.id)).all()


def run_once(relay):
    """One pass of the relay loop: publish (or fail and record), then stop at its first pause."""
    paused = []
    relay.run(lambda: bool(paused), poll_seconds=0, sleep=paused.append)
    return paused


def test_events_of_a_rolled_back_transaction_are_never_published(database, amqp_vhost, listen):
    listener = listen("search")
    with pytest.raises(RuntimeError), database.session() as session:
        outbox.add(session, indexed(1))
        raise RuntimeError("the business change failed")
    relay = OutboxRelay(database, ConfirmingPublisher(amqp_vhost))
    assert relay.publish_pending() == 0
    assert outbox_rows(database) == []
    assert listener.take_all() == []


def test_committed_events_are_published_in_order_as_nameko_events_and_marked(database, amqp_vhost, listen):
    listener = listen("search", "document_indexed")
    events = [indexed(n) for n in range(5)]
    add_committed(database, events[:2])
    add_committed(database, events[2:])
    relay = OutboxRelay(database, ConfirmingPublisher(amqp_vhost))

    assert relay.publish_pending() == 5
    relay.publisher.close()

    messages = listener.take_all()
    assert [json.loads(m.body) for m in messages] == events
    first = messages[0]
    assert first.delivery_info["exchange"] == "search.events"
    assert first.delivery_info["routing_key"] == "document_indexed"
    assert first.content_type == "application/json"
    assert first.properties["delivery_mode"] == 2
    assert first.properties["message_id"] == events[0]["event_id"]
    assert first.headers["nameko.correlation_id"] == events[0]["correlation_id"]
    rows = outbox_rows(database)
    assert all(row.published_at is not None and row.attempts == 1 and row.last_error is None for row in rows)


def test_a_second_relay_run_publishes_nothing_again(database, amqp_vhost, listen):
    listener = listen("search")
    add_committed(database, [indexed(1), indexed(2)])
    relay = OutboxRelay(database, ConfirmingPublisher(amqp_vhost))
    assert relay.publish_pending() == 2
    assert relay.publish_pending() == 0
    assert OutboxRelay(database, ConfirmingPublisher(amqp_vhost)).publish_pending() == 0
    relay.publisher.close()
    assert len(listener.take_all()) == 2


def test_relay_publishes_in_batches_without_reordering(pg_database, amqp_vhost, listen):
    listener = listen("search")
    events = [indexed(n) for n in range(7)]
    add_committed(pg_database, events)
    relay = OutboxRelay(pg_database, ConfirmingPublisher(amqp_vhost), batch_size=3)
    assert [relay.publish_pending() for _ in range(4)] == [3, 3, 1, 0]
    relay.publisher.close()
    assert [json.loads(m.body)["event_id"] for m in listener.take_all()] == [e["event_id"] for e in events]


def test_unreachable_broker_records_the_error_then_everything_goes_out_in_order(database, amqp_vhost, listen):
    listener = listen("search")
    events = [indexed(n) for n in range(3)]
    add_committed(database, events)
    wrong_port = amqp_vhost.replace(":5672/", ":5999/")
    assert wrong_port != amqp_vhost

    paused = run_once(OutboxRelay(database, ConfirmingPublisher(wrong_port, confirm_timeout=2)))

    assert paused and paused[0] > 0
    first, *others = outbox_rows(database)
    assert first.published_at is None and first.attempts == 1
    assert "refused" in first.last_error.lower() or "connect" in first.last_error.lower()
    assert all(row.published_at is None and row.attempts == 0 for row in others)

    relay = OutboxRelay(database, ConfirmingPublisher(amqp_vhost))
    run_once(relay)

    assert [json.loads(m.body)["event_id"] for m in listener.take_all()] == [e["event_id"] for e in events]
    rows = outbox_rows(database)
    assert all(row.published_at is not None and row.last_error is None for row in rows)
    assert rows[0].attempts == 2


def test_relay_publishes_events_of_several_producers_each_to_its_exchange(database, amqp_vhost, listen):
    search_listener, notify_listener = listen("search"), listen("notify")
    sent = make_event("notify", "email_sent", {"email_id": "m-1", "user_id": None, "subject": "Hello"})
    add_committed(database, [indexed(1), sent])
    relay = OutboxRelay(database, ConfirmingPublisher(amqp_vhost))
    assert relay.publish_pending() == 2
    relay.publisher.close()
    assert [json.loads(m.body)["type"] for m in search_listener.take_all()] == ["document_indexed"]
    assert [json.loads(m.body)["type"] for m in notify_listener.take_all()] == ["email_sent"]


def test_events_added_together_are_published_in_the_order_given(database, amqp_vhost, listen):
    listener = listen("search")
    events = [indexed(n) for n in range(5)]
    with database.session() as session:
        outbox.add(session, events[0])
        outbox.add_all(session, events[1:])

    rows = outbox_rows(database)
    assert [row.event_id for row in rows] == [event["event_id"] for event in events]
    assert [row.envelope for row in rows] == events
    assert all(row.producer == "search" and row.event_type == "document_indexed" for row in rows)
    assert all(row.published_at is None and row.attempts == 0 for row in rows)
    relay = OutboxRelay(database, ConfirmingPublisher(amqp_vhost))
    assert relay.publish_pending() == 5
    relay.publisher.close()
    assert [json.loads(m.body) for m in listener.take_all()] == events


def test_events_added_together_in_a_rolled_back_transaction_are_never_published(database):
    with pytest.raises(RuntimeError), database.session() as session:
        outbox.add_all(session, [indexed(1), indexed(2)])
        raise RuntimeError("the business change failed")
    with database.session() as session:
        outbox.add_all(session, [])
    assert outbox_rows(database) == []
