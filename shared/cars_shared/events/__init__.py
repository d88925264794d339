"""Event contracts: the envelope and one module of payload schemas per producing service."""

from cars_shared.events.envelope import Envelope, make_event
from cars_shared.events.registry import REGISTRY, EventSpec, payload_schema

__all__ = ["REGISTRY", "Envelope", "EventSpec", "make_event", "payload_schema"]
