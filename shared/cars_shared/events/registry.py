"""The catalogue of event types: (producer, type, version) -> payload schema."""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

PRODUCERS: tuple[str, ...] = ("accounts", "filings", "fees", "correspondence", "notify", "search")


@dataclass(frozen=True)
class EventSpec:
    producer: str
    type: str
    version: int
    schema: type[Schema]
    description: str
    example: dict
    secret: tuple[str, ...] = ()
    """Payload fields holding a secret (a code, a single-use link): shown to no one but their consumer."""


REGISTRY: dict[tuple[str, str, int], EventSpec] = {}


def event(  # noqa: ANN201
    producer: str, type_: str, *, version: int = 1, description: str, example: dict, secret: tuple[str, ...] = ()
):
    """Class decorator registering a payload schema as the contract of an event type."""

    def register(schema: type[Schema]) -> type[Schema]:
        spec = EventSpec(producer, type_, version, schema, description, example, secret)
        REGISTRY[(producer, type_, version)] = spec
        return schema

    return register


def load_all() -> dict[tuple[str, str, int], EventSpec]:
    """Import every producer's module so the registry is complete."""
    for producer in PRODUCERS:
        importlib.import_module(f"cars_shared.events.{producer}")
    return REGISTRY


@functools.lru_cache(maxsize=256)
def payload_schema(producer: str, type_: str, version: int = 1) -> Schema:
    """The (shared, stateless) schema instance of an event type's payload."""
    key = (producer, type_, version)
    if producer not in PRODUCERS:
        raise LookupError(f"unknown event producer {producer!r}")
    if key not in REGISTRY:
        importlib.import_module(f"cars_shared.events.{producer}")
    try:
        return REGISTRY[key].schema()
    except KeyError:
        raise LookupError(f"unknown event {producer}.{type_} v{version}") from None


REDACTED = "[secret]"


def redacted(envelope: Any) -> Any:
    """The envelope with its contract's secret payload fields masked, for listing to operators."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("payload"), dict):
        return envelope
    key = (envelope.get("producer"), envelope.get("type"), envelope.get("version", 1))
    if key[0] in PRODUCERS:
        importlib.import_module(f"cars_shared.events.{key[0]}")
    spec = REGISTRY.get(key)  # type: ignore[arg-type]
    if spec is None or not spec.secret:
        return envelope
    payload = {name: REDACTED if name in spec.secret else value for name, value in envelope["payload"].items()}
    return {**envelope, "payload": payload}
