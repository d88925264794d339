"""The filings worker: thin nameko entrypoints over the handlers."""

from typing import Any

from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from filings import handlers
from filings.deadlines import handlers as deadline_handlers
from filings.submissions import handlers as submission_handlers
from filings.vendors import handlers as vendor_handlers
from filings.vendors.poster import WebhookPoster

WEBHOOK_DELIVERY_INTERVAL_SECONDS = 1.0
DEADLINE_CHECK_INTERVAL_SECONDS = 3600
"""The late-filing check runs once a day; hourly firing only finds out whether today's run is done."""


class FilingsWorker:
    name = "filings"
    store = ServiceStore("filings")
    webhooks = WebhookPoster()

    @consumes("accounts", "entity_link_approved")
    def on_entity_link_approved(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_entity_link(session, event)

    @consumes("accounts", "entity_link_role_changed")
    def on_entity_link_role_changed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_entity_link(session, event)

    @consumes("accounts", "entity_link_revoked")
    def on_entity_link_revoked(self, session: Session, event: dict[str, Any]) -> None:
        handlers.remove_entity_link(session, event)

    @consumes("filings", "submission_received", together=True)
    def check_submission(self, session: Session, events: list[dict[str, Any]]) -> None:
        asked = {event["payload"]["submission_id"]: event["correlation_id"] for event in events}
        submission_handlers.check_all(session, list(asked), correlation_ids=asked)

    @consumes("accounts", "vendor_certified")
    def on_vendor_certified(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_vendor_status(session, event, certified=True)

    @consumes("accounts", "vendor_decertified")
    def on_vendor_decertified(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_vendor_status(session, event, certified=False)

    @consumes("filings", "submission_decided", relevant=vendor_handlers.decided_for_vendor)
    def queue_submission_webhook(self, session: Session, event: dict[str, Any]) -> None:
        vendor_handlers.queue_submission_webhook(session, event)

    @consumes("filings", "submission_decided", relevant=vendor_handlers.decided_in_vendor_sandbox)
    def judge_sandbox_submission(self, session: Session, event: dict[str, Any]) -> None:
        vendor_handlers.judge_sandbox_submission(session, event)

    @timer(interval=WEBHOOK_DELIVERY_INTERVAL_SECONDS)
    def deliver_webhooks(self) -> None:
        vendor_handlers.deliver_due_webhooks(self.store.database, self.webhooks)

    @timer(interval=DEADLINE_CHECK_INTERVAL_SECONDS)
    def check_deadlines(self) -> None:
        deadline_handlers.run_daily_check(self.store.database)
