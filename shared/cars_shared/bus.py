"""Where events travel: nameko's exchange and queue naming, shared by relay, consumers and tools."""

from kombu import Exchange, Queue

PERSISTENT = 2


def event_exchange(producer: str) -> Exchange:
    """The topic exchange nameko's event handlers bind to (declared exactly as nameko declares it)."""
    return Exchange(f"{producer}.events", type="topic", durable=True, delivery_mode=PERSISTENT, auto_delete=None)


def handler_queue_name(producer: str, event_type: str, service: str, method: str) -> str:
    """nameko's queue name for a service-pool event handler."""
    return f"evt-{producer}-{event_type}--{service}.{method}"


def parking_queue(service: str) -> Queue:
    """The durable queue where a service's failing messages wait for replay."""
    return Queue(f"parking.{service}", exchange="", routing_key=f"parking.{service}", durable=True)
