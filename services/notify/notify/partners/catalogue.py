"""The machine-readable catalogue of public events: a JSON Schema per event and an AsyncAPI 2.6 document.

Both are generated from the contracts, served by the gateway and kept in the repository under docs/partners/.
Regenerate the committed files with `python -m notify.partners.catalogue docs/partners`.
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
from pathlib import Path
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from notify.partners.contracts import EXCHANGE, PUBLIC_EVENTS, PublicEnvelope, PublicEventSpec

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://cars.sos.ca.gov/partners/schemas/"
EXAMPLE_EVENT_IDS = "0b6c1f3e-9d2a-4c7b-8e5f-{:012d}"
EXAMPLE_OCCURRED_AT = "2026-08-15T17:00:01+00:00"


@functools.cache
def _converter() -> Any:
    plugin = MarshmallowPlugin()
    APISpec("CARS public events", "1", "3.1.0", plugins=[plugin])
    # Amounts travel as decimal text, never as binary floating point.
    plugin.map_to_openapi_type(fields.Decimal, "string", "decimal")
    return plugin.converter


def _json_schema(schema: type[Schema]) -> dict[str, Any]:
    return copy.deepcopy(_converter().schema2jsonschema(schema()))


def schema_name(spec: PublicEventSpec) -> str:
    return f"{spec.type}.v{spec.version}"


def event_schema(spec: PublicEventSpec) -> dict[str, Any]:
    """The JSON Schema of a whole public event of this type and version (envelope and payload)."""
    document = _json_schema(PublicEnvelope)
    document["properties"]["type"]["const"] = spec.type
    document["properties"]["version"]["const"] = spec.version
    document["properties"]["payload"] = _json_schema(spec.schema)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"{SCHEMA_BASE}{schema_name(spec)}.json",
        "title": f"{spec.type} (version {spec.version})",
        "description": spec.description,
        **document,
    }


def example_event(spec: PublicEventSpec) -> dict[str, Any]:
    """A whole example event of this type, as partners receive it."""
    sequence = PUBLIC_EVENTS.index(spec) + 1
    return {
        "event_id": EXAMPLE_EVENT_IDS.format(sequence),
        "type": spec.type,
        "version": spec.version,
        "occurred_at": EXAMPLE_OCCURRED_AT,
        "sequence": sequence,
        "payload": spec.example,
    }


def catalogue() -> dict[str, Any]:
    """Every public event: type, version, routing key, description, JSON Schema and an example."""
    return {
        "exchange": EXCHANGE,
        "events": [
            {
                "type": spec.type,
                "version": spec.version,
                "routing_key": spec.type,
                "description": spec.description,
                "schema": event_schema(spec),
                "example": example_event(spec),
            }
            for spec in PUBLIC_EVENTS
        ],
    }


def asyncapi() -> dict[str, Any]:
    """The AsyncAPI 2.6 document of the partner exchange: one channel (routing key) per public event type."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in PUBLIC_EVENTS:
        name = schema_name(spec)
        messages[name] = {
            "name": spec.type,
            "title": f"{spec.type} v{spec.version}",
            "summary": spec.description,
            "contentType": "application/json",
            "payload": {key: value for key, value in event_schema(spec).items() if key != "$schema"},
            "examples": [{"name": spec.type, "payload": example_event(spec)}],
            "bindings": {"amqp": {"messageType": spec.type, "bindingVersion": "0.2.0"}},
        }
        channel = channels.setdefault(
            spec.type,
            {
                "description": f"Routing key `{spec.type}` on the `{EXCHANGE}` exchange.",
                "subscribe": {"operationId": f"receive_{spec.type.replace('.', '_')}", "message": {"oneOf": []}},
                "bindings": {
                    "amqp": {
                        "is": "routingKey",
                        "exchange": {"name": EXCHANGE, "type": "topic", "durable": True, "autoDelete": False},
                        "bindingVersion": "0.2.0",
                    }
                },
            },
        )
        channel["subscribe"]["message"]["oneOf"].append({"$ref": f"#/components/messages/{name}"})
    return {
        "asyncapi": "2.6.0",
        "id": "urn:gov:ca:sos:cars:public-events",
        "info": {
            "title": "CARS public events",
            "version": "1.0.0",
            "description": (
                "Public events of California's campaign-finance and lobbying disclosure system, in one order "
                "(`sequence`). Bind a queue named `partner-<your account>.<anything>` to the topic exchange "
                f"`{EXCHANGE}` with the routing keys you want (`#` for all). Each message's `message_id` is its "
                "`event_id`: keep each id once. The same events, in the same order, are served by the HTTP feed "
                "`GET /api/notify/partners/feed`."
            ),
        },
        "servers": {
            "broker": {
                "url": "{host}:{port}",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "The RabbitMQ broker and vhost named with your partner credentials.",
                "variables": {"host": {"default": "localhost"}, "port": {"default": "5672"}},
            }
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages},
    }


def documents() -> dict[str, dict[str, Any]]:
    """The committed files, by path relative to docs/partners/."""
    files = {"catalogue.json": catalogue(), "asyncapi.json": asyncapi()}
    for spec in PUBLIC_EVENTS:
        files[f"schemas/{schema_name(spec)}.json"] = event_schema(spec)
    return files


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(folder: Path) -> list[Path]:
    """Write the catalogue files under `folder`; returns their paths."""
    written = []
    for relative, document in documents().items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(document), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the public event catalogue (JSON Schemas, AsyncAPI).")
    parser.add_argument("folder", type=Path, help="where to write them, e.g. docs/partners")
    for path in write(parser.parse_args(argv).folder):
        print(path)


if __name__ == "__main__":
    main()
