"""Parking queues: messages a consumer could not handle, kept with their error until replayed."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import kombu

from cars_shared.bus import parking_queue


@dataclass(frozen=True)
class ParkedMessage:
    event_id: str
    queue: str
    consumer: str
    error: str
    parked_at: str
    body: dict[str, Any]


class ParkingLot:
    """One service's parking queue on the broker."""

    def __init__(self, amqp_uri: str, service: str) -> None:
        self.amqp_uri = amqp_uri
        self.queue = parking_queue(service)

    def _connection(self) -> kombu.Connection:
        return kombu.Connection(self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5)

    def park(self, *, queue: str, consumer: str, body: dict[str, Any], error: BaseException | None) -> None:
        """Keep the message with why it failed; returns only once the broker confirmed it."""
        detail = "".join(traceback.format_exception(error)) if error else "unknown error"
        with self._connection() as connection:
            producer = connection.Producer()
            producer.publish(
                body,
                exchange="",
                routing_key=self.queue.name,
                declare=[self.queue],
                serializer="json",
                delivery_mode=2,
                headers={
                    "x-original-queue": queue,
                    "x-consumer": consumer,
                    "x-error": detail[-4000:],
                    "x-parked-at": datetime.now(UTC).isoformat(),
                },
                retry=True,
                retry_policy={"max_retries": 3},
            )

    def _drain(self, connection: kombu.Connection) -> list[kombu.Message]:
        channel = connection.channel()
        self.queue(channel).declare()
        messages = []
        while (message := channel.basic_get(self.queue.name, no_ack=False)) is not None:
            messages.append(message)
        return messages

    @staticmethod
    def _describe(message: Any) -> ParkedMessage:
        headers = message.headers or {}
        body = json.loads(message.body)
        return ParkedMessage(
            event_id=str(body.get("event_id", "")) if isinstance(body, dict) else "",
            queue=headers.get("x-original-queue", ""),
            consumer=headers.get("x-consumer", ""),
            error=headers.get("x-error", ""),
            parked_at=headers.get("x-parked-at", ""),
            body=body,
        )

    def list(self) -> list[ParkedMessage]:
        """Every parked message, left in place."""
        with self._connection() as connection:
            return [self._describe(message) for message in self._drain(connection)]

    def replay(self, event_id: str | None = None) -> list[ParkedMessage]:
        """Send parked messages (all, or one event) back to the queue they failed on."""
        replayed = []
        with self._connection() as connection:
            producer = connection.Producer()
            for message in self._drain(connection):
                parked = self._describe(message)
                if event_id is not None and parked.event_id != event_id:
                    continue
                producer.publish(
                    parked.body,
                    exchange="",
                    routing_key=parked.queue,
                    serializer="json",
                    delivery_mode=2,
                    headers={"x-replayed-at": datetime.now(UTC).isoformat()},
                    # Unroutable (its queue is gone): the broker returns it and it stays parked.
                    mandatory=True,
                )
                # basic_get returns plain amqp messages: acknowledge through their channel.
                message.channel.basic_ack(message.delivery_tag)
                replayed.append(parked)
        return replayed
