"""The catalogue of event types: (producer, type, version) -> payload schema."""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

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


REGISTRY: dict[tuple[str, str, int], EventSpec] = {}


def event(producer: str, type_: str, *, version: int = 1, description: str, example: dict):  # noqa: ANN201
    """Class decorator registering a payload schema as the contract of an event type."""

    def register(schema: type[Schema]) -> type[Schema]:
        REGISTRY[(producer, type_, version)] = EventSpec(producer, type_, version, schema, description, example)
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
