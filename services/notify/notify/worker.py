"""The notify worker: thin nameko entrypoints over the handlers."""

from datetime import UTC, datetime
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.config import MAIL_FROM, PORTAL_URL, SMTP_URL
from cars_shared.worker import ServiceStore, consumes
from notify import handlers
from notify.alert_key import alert_signing_key
from notify.alerts import handlers as alerts
from notify.mail_transport import SmtpTransport

DELIVERY_INTERVAL_SECONDS = 0.5
# Digests go out once a day; looking every minute sends them within a minute of the digest hour.
DIGEST_INTERVAL_SECONDS = 60


class MailServer(DependencyProvider):
    """The SMTP transport configured by SMTP_URL and MAIL_FROM (a bad URL stops the worker at start)."""

    def setup(self) -> None:
        self.transport = SmtpTransport(SMTP_URL.get(), MAIL_FROM.get())

    def get_dependency(self, worker_ctx: Any) -> SmtpTransport:
        return self.transport


class NotifyWorker:
    name = "notify"
    store = ServiceStore("notify")
    mail = MailServer()

    @consumes("accounts", "user_registered")
    def on_user_registered(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_contact(session, event)

    @consumes("accounts", "entity_link_approved")
    def on_entity_link_approved(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_membership(session, event)

    @consumes("accounts", "entity_link_requested")
    def on_entity_link_requested(self, session: Session, event: dict[str, Any]) -> None:
        handlers.tell_officers_of_link_request(session, event)

    @consumes("accounts", "entity_link_denied")
    def on_entity_link_denied(self, session: Session, event: dict[str, Any]) -> None:
        handlers.tell_of_link_outcome(session, event, "denied")

    @consumes("accounts", "entity_link_revoked")
    def on_entity_link_revoked(self, session: Session, event: dict[str, Any]) -> None:
        handlers.tell_of_link_outcome(session, event, "revoked")

    @consumes("accounts", "entity_link_role_changed")
    def on_entity_link_role_changed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.tell_of_link_outcome(session, event, "role_changed")

    @consumes("accounts", "email_verification_requested")
    def on_email_verification_requested(self, session: Session, event: dict[str, Any]) -> None:
        handlers.send_email_verification(session, event)

    @consumes("accounts", "password_reset_requested")
    def on_password_reset_requested(self, session: Session, event: dict[str, Any]) -> None:
        handlers.send_password_reset(session, event)

    @consumes("accounts", "email_changed")
    def on_email_changed(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_email_change(session, event)

    @consumes("correspondence", "correspondence_issued")
    def on_correspondence_issued(self, session: Session, event: dict[str, Any]) -> None:
        handlers.notify_of_correspondence(session, event, portal_url=PORTAL_URL.get())

    @consumes("fees", "payment_reminder_due")
    def on_payment_reminder_due(self, session: Session, event: dict[str, Any]) -> None:
        handlers.remind_of_payment(session, event, portal_url=PORTAL_URL.get())

    @consumes("filings", "filing_accepted")
    def on_filing_accepted(self, session: Session, event: dict[str, Any]) -> None:
        alerts.alert_subscribers_of_filing(session, event, portal_url=PORTAL_URL.get(), key=alert_signing_key())

    @consumes("filings", "filing_amended")
    def on_filing_amended(self, session: Session, event: dict[str, Any]) -> None:
        alerts.alert_subscribers_of_filing(session, event, portal_url=PORTAL_URL.get(), key=alert_signing_key())

    @timer(interval=DIGEST_INTERVAL_SECONDS)
    def queue_digests(self) -> None:
        with self.store.database.session() as session:
            handlers.queue_due_digests(session, datetime.now(UTC))

    @timer(interval=DELIVERY_INTERVAL_SECONDS)
    def deliver_emails(self) -> None:
        handlers.deliver_due_emails(self.store.database, self.mail)
