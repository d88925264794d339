"""The envelope every event travels in, and the one way to build it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from cars_shared.events.registry import payload_schema
from cars_shared.logging import correlation_id as current_correlation_id


class Envelope(Schema):
    """Fields every event carries; consumers ignore fields they do not know."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.UUID(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    producer = fields.String(required=True)
    correlation_id = fields.String(required=True)
    payload = fields.Dict(required=True)


ENVELOPE = Envelope()


def make_event(
    producer: str,
    type_: str,
    payload: dict[str, Any],
    *,
    version: int = 1,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """A validated envelope (JSON-ready dict) for a registered event type; `payload` holds Python values."""
    schema = payload_schema(producer, type_, version)
    dumped = _dump(schema, payload)
    errors = schema.validate(dumped)
    if errors:
        raise ValidationError(errors, data=dumped)
    event_id = str(uuid.uuid4())
    return {
        "event_id": event_id,
        "type": type_,
        "version": version,
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": producer,
        "correlation_id": correlation_id or current_correlation_id() or event_id,
        "payload": dumped,
    }


def _dump(schema: Schema, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload dumped; a value of the wrong Python type is refused naming its field."""
    try:
        return schema.dump(payload)
    except (TypeError, ValueError, AttributeError):
        errors = {}
        for name, field in schema.dump_fields.items():
            try:
                field.serialize(field.attribute or name, payload)
            except (TypeError, ValueError, AttributeError) as error:
                errors[field.data_key or name] = [f"Not a valid value: {error}"]
        raise ValidationError(errors or {"_schema": ["Invalid payload."]}, data=payload) from None


def read_event(body: dict[str, Any]) -> dict[str, Any]:
    """Check an incoming envelope and its payload against the registry; returns the envelope."""
    envelope = ENVELOPE.load(body)
    try:
        schema = payload_schema(envelope["producer"], envelope["type"], envelope["version"])
    except LookupError as unknown:
        # An event no contract describes is malformed for this consumer, not a reason to retry.
        raise ValidationError({"type": [str(unknown)]}, data=body) from None
    body = dict(body)
    body["payload"] = schema.load(body["payload"], unknown=EXCLUDE)
    return body
