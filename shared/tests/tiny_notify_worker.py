"""A tiny worker run by the cars-worker test: records each fee and announces it through the outbox."""

from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from cars_shared.worker import ServiceStore, consumes

metadata = MetaData()

# No unique key on the event: only the inbox stands between a redelivery and a second row.
fees_seen = Table(
    "fees_seen",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("entity_id", String(40), nullable=False),
)


class TinyNotifyWorker:
    name = "notify"
    store = ServiceStore("notify")

    @consumes("fees", "fee_assessed")
    def on_fee_assessed(self, session: Session, event: dict[str, Any]) -> None:
        payload = event["payload"]
        session.execute(insert(fees_seen).values(event_id=event["event_id"], entity_id=payload["entity_id"]))
        subject = f"Annual fee due {payload['due_date'].isoformat()}"
        outbox.add(
            session,
            make_event("notify", "email_sent", {"email_id": event["event_id"], "user_id": None, "subject": subject}),
        )
