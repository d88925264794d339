"""The notify worker: thin nameko entrypoints over the handlers."""

from datetime import UTC, datetime
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.config import MAIL_FROM, NOTIFY_PARTNER_FEED_RETENTION_DAYS, PORTAL_URL, SMTP_URL
from cars_shared.worker import ServiceStore, consumes
from notify import handlers, search_notices
from notify.alert_key import alert_signing_key
from notify.alerts import handlers as alerts
from notify.alerts import shared_searches
from notify.mail_transport import SmtpTransport
from notify.partners import handlers as partners
from notify.partners.stream import PartnerStream

DELIVERY_INTERVAL_SECONDS = 0.5
# Digests go out once a day; looking every minute sends them within a minute of the digest hour.
DIGEST_INTERVAL_SECONDS = 60
PARTNER_WEBHOOK_INTERVAL_SECONDS = 1
PARTNER_FEED_PURGE_INTERVAL_SECONDS = 3600


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
    partner_stream = PartnerStream()

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

    @consumes("search", "export_ready")
    def on_export_ready(self, session: Session, event: dict[str, Any]) -> None:
        search_notices.tell_of_export_ready(session, event)

    @consumes("search", "saved_search_matched")
    def on_saved_search_matched(self, session: Session, event: dict[str, Any]) -> None:
        search_notices.tell_of_saved_search_match(session, event)

    @consumes("search", "saved_search_shared")
    def on_saved_search_shared(self, session: Session, event: dict[str, Any]) -> None:
        shared_searches.record_share(session, event)

    @consumes("search", "saved_search_unshared")
    def on_saved_search_unshared(self, session: Session, event: dict[str, Any]) -> None:
        shared_searches.end_share(session, event)

    @consumes("search", "shared_search_matched")
    def on_shared_search_matched(self, session: Session, event: dict[str, Any]) -> None:
        shared_searches.alert_subscribers_of_shared_search(
            session, event, portal_url=PORTAL_URL.get(), key=alert_signing_key()
        )

    # The public event stream for integration partners: each internal event below becomes its public event in the
    # feed (a second consumer of filing_accepted/amended beside the alerts, on a queue of its own).
    @consumes("filings", "entity_registered", together=True)
    def publish_entity_registered(self, session: Session, events: list[dict[str, Any]]) -> None:
        partners.record_public_events(session, events, PORTAL_URL.get(), datetime.now(UTC))

    @consumes("filings", "entity_updated", together=True)
    def publish_entity_updated(self, session: Session, events: list[dict[str, Any]]) -> None:
        partners.record_public_events(session, events, PORTAL_URL.get(), datetime.now(UTC))

    @consumes("filings", "entity_terminated", together=True)
    def publish_entity_terminated(self, session: Session, events: list[dict[str, Any]]) -> None:
        partners.record_public_events(session, events, PORTAL_URL.get(), datetime.now(UTC))

    @consumes("filings", "filing_accepted", together=True)
    def publish_filing_accepted(self, session: Session, events: list[dict[str, Any]]) -> None:
        partners.record_public_events(session, events, PORTAL_URL.get(), datetime.now(UTC))

    @consumes("filings", "filing_amended", together=True)
    def publish_filing_amended(self, session: Session, events: list[dict[str, Any]]) -> None:
        partners.record_public_events(session, events, PORTAL_URL.get(), datetime.now(UTC))

    @consumes("fees", "fine_assessed", together=True)
    def publish_fine_assessed(self, session: Session, events: list[dict[str, Any]]) -> None:
        partners.record_public_events(session, events, PORTAL_URL.get(), datetime.now(UTC))

    @consumes("fees", "fine_waived", together=True)
    def publish_fine_waived(self, session: Session, events: list[dict[str, Any]]) -> None:
        partners.record_public_events(session, events, PORTAL_URL.get(), datetime.now(UTC))

    @consumes("accounts", "feed_partner_revoked")
    def on_feed_partner_revoked(self, session: Session, event: dict[str, Any]) -> None:
        partners.forget_revoked_partner(session, event)

    @timer(interval=PARTNER_WEBHOOK_INTERVAL_SECONDS)
    def deliver_partner_webhooks(self) -> None:
        self.partner_stream.sender.deliver_due(self.store.database, datetime.now(UTC))

    @timer(interval=PARTNER_FEED_PURGE_INTERVAL_SECONDS)
    def purge_partner_feed(self) -> None:
        with self.store.database.session() as session:
            partners.purge_expired(session, datetime.now(UTC), int(NOTIFY_PARTNER_FEED_RETENTION_DAYS.get()))

    @timer(interval=DIGEST_INTERVAL_SECONDS)
    def queue_digests(self) -> None:
        with self.store.database.session() as session:
            handlers.queue_due_digests(session, datetime.now(UTC))

    @timer(interval=DELIVERY_INTERVAL_SECONDS)
    def deliver_emails(self) -> None:
        handlers.deliver_due_emails(self.store.database, self.mail)
