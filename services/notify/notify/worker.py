"""The notify worker: thin nameko entrypoints over the handlers."""

from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.config import MAIL_FROM, PORTAL_URL, SMTP_URL
from cars_shared.worker import ServiceStore, consumes
from notify import handlers
from notify.mail_transport import SmtpTransport

DELIVERY_INTERVAL_SECONDS = 0.5


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

    @timer(interval=DELIVERY_INTERVAL_SECONDS)
    def deliver_emails(self) -> None:
        handlers.deliver_due_emails(self.store.database, self.mail)
