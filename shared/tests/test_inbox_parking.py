import json
import threading
import time
from datetime import date

import amqp
import kombu
import pytest
from sqlalchemy import func, select

from cars_shared import outbox, parking_cli
from cars_shared.events import make_event
from cars_shared.inbox import EventConsumer
from cars_shared.messaging_tables import inbox as inbox_table
from cars_shared.messaging_tables import outbox as outbox_table
from cars_shared.parking import ParkingLot

CONSUMER = "notify.on_fee_assessed"
QUEUE = "evt-fees-fee_assessed--notify.on_fee_assessed"


def fee_assessed(entity_id="1400001"):
    return make_event(
        "fees",
        "fee_assessed",
        {
            "assessment_id": f"a-{entity_id}",
            "entity_id": entity_id,
            "entity_name": "Friends of Example",
            "fee_year": 2026,
            "amount_cents": 5000,
            "due_date": date(2026, 3, 17),
            "late_penalty_cents": 15000,
        },
    )


def count(database, table):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def notify_of(session, event):
    """A handler's effect: an event of its own, written in the handler's transaction."""
    subject = f"Fee of {event['payload']['amount_cents']} cents due {event['payload']['due_date'].isoformat()}"
    payload = {"email_id": event["event_id"], "user_id": None, "subject": subject}
    outbox.add(session, make_event("notify", "email_sent", payload))


@pytest.fixture
def lot(amqp_vhost):
    return ParkingLot(amqp_vhost, "notify")


@pytest.fixture
def consumer(pg_database, lot):
    pauses = []
    consumer = EventConsumer(pg_database, lot, attempts=3, first_backoff=0.01, sleep=pauses.append)
    consumer.pauses = pauses
    return consumer


def declare_queue(amqp_uri, name):
    queue = kombu.Queue(name, exchange="", routing_key=name, durable=True)
    with kombu.Connection(amqp_uri) as connection:
        queue(connection.default_channel).declare()
    return queue


def take_all(amqp_uri, queue):
    with kombu.Connection(amqp_uri) as connection:
        bound = queue(connection.default_channel)
        messages = []
        while (message := bound.get(no_ack=True)) is not None:
            messages.append(message)
        return messages


def test_handler_runs_once_per_event_id(consumer, pg_database):
    event = fee_assessed()
    assert consumer.handle(CONSUMER, QUEUE, event, notify_of) == "handled"
    assert consumer.handle(CONSUMER, QUEUE, json.loads(json.dumps(event)), notify_of) == "duplicate"
    assert count(pg_database, outbox_table) == 1
    assert count(pg_database, inbox_table) == 1


def test_the_same_event_is_handled_again_by_another_consumer(consumer, pg_database):
    event = fee_assessed()
    assert consumer.handle(CONSUMER, QUEUE, event, notify_of) == "handled"
    assert consumer.handle("search.on_fee_assessed", "evt-other", event, lambda session, event: None) == "handled"
    assert count(pg_database, inbox_table) == 2


def test_concurrent_deliveries_of_one_event_have_one_effect(consumer, pg_database):
    event = fee_assessed()

    def slow_handler(session, received):
        notify_of(session, received)
        time.sleep(0.3)

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(consumer.handle(CONSUMER, QUEUE, event, slow_handler)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results) == ["duplicate", "handled"]
    assert count(pg_database, outbox_table) == 1


def test_handler_gets_the_payload_loaded_by_its_contract(consumer):
    seen = []
    consumer.handle(CONSUMER, QUEUE, fee_assessed(), lambda session, event: seen.append(event["payload"]["due_date"]))
    assert seen == [date(2026, 3, 17)]


def test_a_failing_handler_is_retried_with_backoff_then_parked_with_its_error(consumer, lot, pg_database):
    calls = []

    def failing(session, event):
        notify_of(session, event)
        calls.append(event["event_id"])
        raise RuntimeError("mail server said no")

    event = fee_assessed()
    assert consumer.handle(CONSUMER, QUEUE, event, failing) == "parked"
    assert len(calls) == 3
    assert consumer.pauses == [0.01, 0.02]
    assert count(pg_database, outbox_table) == 0
    assert count(pg_database, inbox_table) == 0
    [parked] = lot.list()
    assert (parked.event_id, parked.queue, parked.consumer) == (event["event_id"], QUEUE, CONSUMER)
    assert "RuntimeError: mail server said no" in parked.error
    assert parked.parked_at
    assert parked.body == json.loads(json.dumps(event))


def test_a_handler_that_recovers_on_retry_is_handled_once(consumer, pg_database):
    calls = []

    def flaky(session, event):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database blinked")
        notify_of(session, event)

    assert consumer.handle(CONSUMER, QUEUE, fee_assessed(), flaky) == "handled"
    assert len(calls) == 2
    assert count(pg_database, outbox_table) == 1


def as_received(event):
    """An event as it arrives from the broker: JSON, not Python values."""
    return json.loads(json.dumps(event, default=str))


def test_a_batch_is_handed_over_together_without_its_duplicates_and_malformed_bodies(consumer, lot, pg_database):
    handled_before, first, second = fee_assessed("1400001"), fee_assessed("1400002"), fee_assessed("1400003")
    assert consumer.handle(CONSUMER, QUEUE, handled_before, notify_of) == "handled"
    malformed = as_received(fee_assessed("1400004"))
    malformed["payload"]["due_date"] = "someday"
    batches = []

    def notify_of_all(session, events):
        batches.append([event["event_id"] for event in events])
        for event in events:
            notify_of(session, event)

    bodies = [as_received(event) for event in (first, handled_before, second, first)] + [malformed]
    outcomes = consumer.handle_batch_together(CONSUMER, QUEUE, bodies, notify_of_all)

    assert outcomes == ["handled", "duplicate", "handled", "duplicate", "parked"]
    assert batches == [[first["event_id"], second["event_id"]]]
    assert count(pg_database, outbox_table) == 3
    assert [parked.event_id for parked in lot.list()] == [malformed["event_id"]]


def test_a_batch_of_nothing_new_is_not_handed_over(consumer):
    event = fee_assessed()
    assert consumer.handle(CONSUMER, QUEUE, event, notify_of) == "handled"
    batches = []
    assert consumer.handle_batch_together(CONSUMER, QUEUE, [as_received(event)], batches.append) == ["duplicate"]
    assert batches == []


def test_events_the_handler_has_no_business_with_are_acked_without_a_transaction_or_inbox_record(consumer, pg_database):
    ours, other, malformed = fee_assessed("1400001"), fee_assessed("9900001"), as_received(fee_assessed("1400002"))
    malformed["payload"]["due_date"] = "someday"
    handled = []

    def ours_only(event):
        return event["payload"]["entity_id"].startswith("14")

    def record(session, event):
        handled.append(event["event_id"])
        notify_of(session, event)

    bodies = [as_received(other), as_received(ours), malformed]
    assert consumer.handle_batch(CONSUMER, QUEUE, bodies, record, relevant=ours_only) == [
        "ignored",
        "handled",
        "parked",
    ]
    assert handled == [ours["event_id"]]
    with pg_database.session() as session:
        assert list(session.scalars(select(inbox_table.c.event_id))) == [ours["event_id"]]

    class NoDatabase:
        def session(self):
            raise AssertionError("a batch of nothing relevant opens no transaction")

    consumer.database = NoDatabase()
    again = [as_received(fee_assessed("9900002")), as_received(other)]
    assert consumer.handle_batch_together(CONSUMER, QUEUE, again, handled.append, relevant=ours_only) == [
        "ignored",
        "ignored",
    ]
    assert handled == [ours["event_id"]]


def test_an_irrelevant_event_stays_ignored_when_its_batch_is_redone_one_at_a_time(consumer, pg_database):
    good, bad, other = fee_assessed("1400001"), fee_assessed("1400002"), fee_assessed("9900001")

    def fails_on_bad(session, event):
        if event["event_id"] == bad["event_id"]:
            raise RuntimeError("this one cannot be handled")
        notify_of(session, event)

    bodies = [as_received(good), as_received(other), as_received(bad)]
    outcomes = consumer.handle_batch(
        CONSUMER, QUEUE, bodies, fails_on_bad, relevant=lambda event: event["payload"]["entity_id"] != "9900001"
    )

    assert outcomes == ["handled", "ignored", "parked"]
    assert count(pg_database, outbox_table) == 1


def test_a_failing_batch_is_undone_and_redone_one_event_at_a_time(consumer, lot, pg_database):
    good, bad = fee_assessed("1400001"), fee_assessed("1400002")
    batches = []

    def fails_on_bad(session, events):
        batches.append([event["event_id"] for event in events])
        for event in events:
            notify_of(session, event)
            if event["event_id"] == bad["event_id"]:
                raise RuntimeError("this one cannot be handled")

    outcomes = consumer.handle_batch_together(CONSUMER, QUEUE, [as_received(good), as_received(bad)], fails_on_bad)

    assert outcomes == ["handled", "parked"]
    assert batches[:2] == [[good["event_id"], bad["event_id"]], [good["event_id"]]]
    assert batches[2:] == [[bad["event_id"]]] * 3  # each attempt at the bad one alone
    assert count(pg_database, outbox_table) == 1  # the good one's effect, once
    assert [parked.event_id for parked in lot.list()] == [bad["event_id"]]


@pytest.mark.parametrize(
    "breakage",
    [
        lambda body: body["payload"].update(due_date="someday"),
        lambda body: body.update(event_id="not-a-uuid"),
        lambda body: body.update(type="fee_invented"),
    ],
    ids=["bad-payload", "bad-envelope", "unknown-type"],
)
def test_a_malformed_event_is_parked_at_once(consumer, lot, breakage):
    calls = []
    body = fee_assessed()
    breakage(body)
    assert consumer.handle(CONSUMER, QUEUE, body, lambda session, event: calls.append(1)) == "parked"
    assert calls == []
    assert consumer.pauses == []
    [parked] = lot.list()
    assert "ValidationError" in parked.error
    assert parked.body == body


def test_listing_parked_messages_leaves_them_in_place(consumer, lot):
    events = [fee_assessed(str(n)) for n in range(3)]
    for event in events:
        event["payload"]["due_date"] = "someday"
        consumer.handle(CONSUMER, QUEUE, event, lambda session, event: None)
    first = lot.list()
    second = lot.list()
    assert [p.event_id for p in first] == [e["event_id"] for e in events]
    assert second == first


def test_replay_sends_parked_messages_back_to_their_queue(consumer, lot, amqp_vhost):
    queue = declare_queue(amqp_vhost, QUEUE)
    event = fee_assessed()
    consumer.handle(CONSUMER, QUEUE, event, lambda session, event: 1 / 0)

    replayed = lot.replay()

    assert [p.event_id for p in replayed] == [event["event_id"]]
    assert lot.list() == []
    [message] = take_all(amqp_vhost, queue)
    assert json.loads(message.body) == event
    assert message.content_type == "application/json"


def test_replay_of_one_event_leaves_the_others_parked(consumer, lot, amqp_vhost):
    queue = declare_queue(amqp_vhost, QUEUE)
    events = [fee_assessed(str(n)) for n in range(3)]
    for event in events:
        consumer.handle(CONSUMER, QUEUE, event, lambda session, event: 1 / 0)

    replayed = lot.replay(events[1]["event_id"])

    assert [p.event_id for p in replayed] == [events[1]["event_id"]]
    assert [p.event_id for p in lot.list()] == [events[0]["event_id"], events[2]["event_id"]]
    assert [json.loads(m.body)["event_id"] for m in take_all(amqp_vhost, queue)] == [events[1]["event_id"]]


def test_replay_to_a_queue_that_no_longer_exists_keeps_the_message_parked(consumer, lot):
    event = fee_assessed()
    consumer.handle(CONSUMER, "evt-gone--notify.on_gone", event, lambda session, event: 1 / 0)
    with pytest.raises(amqp.exceptions.ChannelError, match="NO_ROUTE"):
        lot.replay()
    assert [p.event_id for p in lot.list()] == [event["event_id"]]


def test_parking_cli_lists_and_replays(consumer, amqp_vhost, capsys):
    queue = declare_queue(amqp_vhost, QUEUE)
    event = fee_assessed()
    consumer.handle(CONSUMER, QUEUE, event, lambda session, event: 1 / 0)
    capsys.readouterr()

    assert parking_cli.main(["list", "notify", "--amqp-uri", amqp_vhost]) == 0
    listed = capsys.readouterr()
    [row] = [json.loads(line) for line in listed.out.splitlines()]
    assert (row["event_id"], row["queue"], row["consumer"]) == (event["event_id"], QUEUE, CONSUMER)
    assert "ZeroDivisionError" in row["error"]
    assert "1 message(s) parked" in listed.err

    assert parking_cli.main(["replay", "notify", "--amqp-uri", amqp_vhost, "--event-id", event["event_id"]]) == 0
    replayed = capsys.readouterr()
    assert [json.loads(line)["event_id"] for line in replayed.out.splitlines()] == [event["event_id"]]
    assert "1 message(s) replayed" in replayed.err
    assert [json.loads(m.body)["event_id"] for m in take_all(amqp_vhost, queue)] == [event["event_id"]]

    parking_cli.main(["list", "notify", "--amqp-uri", amqp_vhost])
    assert capsys.readouterr().out == ""


def test_parking_cli_never_prints_a_secret_but_replays_it(consumer, amqp_vhost, capsys):
    queue = declare_queue(amqp_vhost, "evt-accounts-entity_access_code_issued--correspondence.on_code")
    payload = {
        "code_id": "5e2d8c1b-9a7f-4e3d-b6c5-1a0f9e8d7c6b",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "mailing_address": None,
        "access_code": "K7QM-3XWP-9RTD-HV2F",
        "expires_on": date(2026, 9, 30),
        "issued_by": "staff-1",
    }
    event = make_event("accounts", "entity_access_code_issued", payload)
    consumer.handle("correspondence.on_code", queue.name, event, lambda session, event: 1 / 0)
    capsys.readouterr()

    parking_cli.main(["list", "notify", "--amqp-uri", amqp_vhost])
    listed = capsys.readouterr().out
    assert "K7QM-3XWP-9RTD-HV2F" not in listed
    assert json.loads(listed)["body"]["payload"]["access_code"] == "[secret]"

    parking_cli.main(["replay", "notify", "--amqp-uri", amqp_vhost])
    assert "K7QM-3XWP-9RTD-HV2F" not in capsys.readouterr().out
    [replayed] = take_all(amqp_vhost, queue)
    assert json.loads(replayed.body)["payload"]["access_code"] == "K7QM-3XWP-9RTD-HV2F"


def test_parking_cli_reads_the_broker_from_amqp_uri(consumer, amqp_vhost, capsys, monkeypatch):
    consumer.handle(CONSUMER, QUEUE, fee_assessed(), lambda session, event: 1 / 0)
    monkeypatch.setenv("AMQP_URI", amqp_vhost)
    capsys.readouterr()
    assert parking_cli.main(["list", "notify"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_a_message_that_is_not_an_event_object_is_parked_at_once(consumer, lot):
    assert consumer.handle(CONSUMER, QUEUE, ["not", "an", "event"], lambda session, event: None) == "parked"
    [parked] = lot.list()
    assert (parked.event_id, parked.queue, parked.body) == ("", QUEUE, ["not", "an", "event"])
