"""Notify use cases: load, apply the rules, save, and queue events, in one transaction each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from notify.domain.account_email import (
    compose_email_changed_notice,
    compose_password_reset_email,
    compose_verification_email,
)
from notify.domain.delivery import FAILED, QUEUED, SENDING, SENT, RetryPolicy
from notify.domain.digest_email import DigestLine, compose_digest_email
from notify.domain.link_email import compose_link_outcome_email, compose_link_request_email
from notify.domain.notice_email import NoticeEmail, compose_notice_email, notice_link
from notify.domain.preferences import CORRESPONDENCE, IMMEDIATE, PAYMENT_REMINDER, Preference, digest_due
from notify.domain.recipients import RecipientsNotKnownYet, notice_recipients
from notify.domain.reminder_email import compose_payment_reminder_email, reminder_title, statement_link
from notify.mail_transport import MailNotDelivered, MailTransport, OutgoingMail
from notify.models import Contact, DashboardNotice, DigestEntry, Email, Membership
from notify.models import Preference as StoredPreference

log = get_logger(__name__)

DELIVERY_BATCH = 20


def record_contact(session: Session, event: dict[str, Any]) -> Contact:
    """Keep the newest name and address accounts published for a user."""
    user = event["payload"]
    contact = session.get(Contact, user["user_id"])
    if contact is None:
        contact = Contact(user_id=user["user_id"], username=user["username"], email=user["email"])
        session.add(contact)
    else:
        contact.username, contact.email = user["username"], user["email"]
    return contact


def record_membership(session: Session, event: dict[str, Any]) -> Membership:
    """Remember that a user acts for an entity, so its notices reach them."""
    link = event["payload"]
    membership = session.get(Membership, (link["user_id"], link["entity_id"]))
    if membership is None:
        membership = Membership(user_id=link["user_id"], entity_id=link["entity_id"], role=link["role"])
        session.add(membership)
    else:
        membership.role = link["role"]
    return membership


def notify_of_correspondence(session: Session, event: dict[str, Any], *, portal_url: str) -> list[Email]:
    """Put a notice on each recipient's dashboard and e-mail it as each prefers; returns the e-mails queued now.

    Raises RecipientsNotKnownYet while a recipient or their address has not reached notify, so the
    event is retried rather than dropped.
    """
    issued = event["payload"]
    correspondence_id = issued["correspondence_id"]
    members: list[str] = []
    if issued["entity_id"]:
        members = list(session.scalars(select(Membership.user_id).where(Membership.entity_id == issued["entity_id"])))
    recipients = notice_recipients(issued["user_id"], members)
    contacts = _contacts_of(session, recipients)
    link = notice_link(portal_url, correspondence_id)
    queued: list[Email] = []
    for user_id in recipients:
        contact = contacts[user_id]
        notice = Notice(
            kind=CORRESPONDENCE,
            cause_key=correspondence_id,
            title=issued["title"],
            link=link,
            created_at=issued["issued_at"],
            correspondence_id=correspondence_id,
        )
        content = compose_notice_email(
            username=contact.username, title=issued["title"], number=issued["number"], link=link
        )
        email = tell(session, contact, notice, content)
        if email is not None:
            queued.append(email)
    return queued


def remind_of_payment(session: Session, event: dict[str, Any], *, portal_url: str) -> list[Email]:
    """Tell each person linked to the entity that a charge falls due soon; returns the e-mails queued now.

    An entity nobody is linked to yet (unclaimed) gets no reminder here: its paper notices reach it.
    """
    due = event["payload"]
    members = sorted(set(session.scalars(select(Membership.user_id).where(Membership.entity_id == due["entity_id"]))))
    if not members:
        log.info("payment_reminder_without_members", entity_id=due["entity_id"], item_id=due["item_id"])
        return []
    contacts = _contacts_of(session, members)
    link = statement_link(portal_url, due["entity_id"])
    notice = Notice(
        kind=PAYMENT_REMINDER,
        # fees publishes once per charge and reminder day, so that pair names the reminder.
        cause_key=f"payment_reminder:{due['item_id']}:{due['days_before']}",
        title=reminder_title(entity_name=due["entity_name"], description=due["description"], due_date=due["due_date"]),
        link=link,
        created_at=_occurred_at(event),
    )
    queued = []
    for user_id in members:
        content = compose_payment_reminder_email(
            username=contacts[user_id].username,
            entity_id=due["entity_id"],
            entity_name=due["entity_name"],
            description=due["description"],
            open_cents=due["open_cents"],
            due_date=due["due_date"],
            link=link,
        )
        email = tell(session, contacts[user_id], notice, content)
        if email is not None:
            queued.append(email)
    return queued


def _occurred_at(event: dict[str, Any]) -> datetime:
    occurred = event["occurred_at"]
    return occurred if isinstance(occurred, datetime) else datetime.fromisoformat(occurred)


def _contacts_of(session: Session, user_ids: list[str]) -> dict[str, Contact]:
    contacts = {c.user_id: c for c in session.scalars(select(Contact).where(Contact.user_id.in_(user_ids)))}
    unknown = [user_id for user_id in user_ids if user_id not in contacts]
    if unknown:
        raise RecipientsNotKnownYet(f"no contact yet for users {', '.join(unknown)}")
    return contacts


@dataclass(frozen=True)
class Notice:
    """What a person is told of: its kind, the key naming its cause (once per person), a title and a link."""

    kind: str
    cause_key: str
    title: str
    link: str
    created_at: datetime
    correspondence_id: str | None = None


def tell(session: Session, contact: Contact, notice: Notice, content: NoticeEmail) -> Email | None:
    """Put the notice on the person's dashboard, then e-mail it now, hold it for the digest, or not, as they prefer.

    Returns the e-mail queued by this call; a notice already told queues nothing again.
    """
    _add_notice(session, contact.user_id, notice)
    preference = preference_of(session, contact.user_id)
    if not preference.emails(notice.kind):
        return None
    if preference.in_digest:
        _hold_for_digest(session, contact.user_id, notice)
        return None
    return queue_email(session, content, notice_key=notice.cause_key, recipient=contact.email, user_id=contact.user_id)


def _add_notice(session: Session, user_id: str, notice: Notice) -> None:
    exists = session.scalar(
        select(DashboardNotice.id).where(
            DashboardNotice.user_id == user_id, DashboardNotice.cause_key == notice.cause_key
        )
    )
    if exists is None:
        session.add(
            DashboardNotice(
                id=str(uuid.uuid4()),
                user_id=user_id,
                kind=notice.kind,
                cause_key=notice.cause_key,
                correspondence_id=notice.correspondence_id,
                link=notice.link,
                title=notice.title,
                created_at=notice.created_at,
            )
        )


def _hold_for_digest(session: Session, user_id: str, notice: Notice) -> None:
    exists = session.scalar(
        select(DigestEntry.id).where(DigestEntry.user_id == user_id, DigestEntry.cause_key == notice.cause_key)
    )
    if exists is None:
        session.add(
            DigestEntry(
                id=str(uuid.uuid4()),
                user_id=user_id,
                cause_key=notice.cause_key,
                title=notice.title,
                link=notice.link,
                created_at=datetime.now(UTC),
            )
        )


def queue_email(
    session: Session,
    content: NoticeEmail,
    *,
    notice_key: str,
    recipient: str,
    user_id: str | None = None,
    subscription_id: str | None = None,
    list_unsubscribe: str | None = None,
) -> Email | None:
    """Queue one e-mail per notice and recipient (a person or an alert subscription); None if it was queued before.

    The unique constraints back this check when two deliveries of one event race.
    """
    recipient_column = Email.user_id == user_id if user_id is not None else Email.subscription_id == subscription_id
    if session.scalar(select(Email.id).where(Email.notice_key == notice_key, recipient_column)) is not None:
        return None
    now = datetime.now(UTC)
    email = Email(
        id=str(uuid.uuid4()),
        user_id=user_id,
        subscription_id=subscription_id,
        recipient=recipient,
        subject=content.subject,
        text_body=content.text_body,
        html_body=content.html_body,
        list_unsubscribe=list_unsubscribe,
        notice_key=notice_key,
        status=QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(email)
    return email


def preference_of(session: Session, user_id: str) -> Preference:
    """The person's preference, or the default (every kind, at once) until they set one."""
    stored = session.get(StoredPreference, user_id)
    if stored is None:
        return Preference()
    return Preference(email_kinds=frozenset(stored.email_kinds), delivery=stored.delivery)


def set_preference(session: Session, user_id: str, preference: Preference) -> Preference:
    """Keep the person's choice; notices already held for a digest still go out in the next one."""
    stored = session.get(StoredPreference, user_id)
    if stored is None:
        stored = StoredPreference(user_id=user_id)
        session.add(stored)
    stored.email_kinds = sorted(preference.email_kinds)
    stored.delivery = preference.delivery
    return preference


def queue_due_digests(session: Session, now: datetime) -> list[Email]:
    """Gather each person's held notices into one digest e-mail, once a day from the digest hour."""
    waiting = sorted(set(session.scalars(select(DigestEntry.user_id).where(DigestEntry.email_id.is_(None)))))
    queued = []
    for user_id in waiting:
        stored = session.get(StoredPreference, user_id)
        if not digest_due(now, stored.last_digest_on if stored is not None else None):
            continue
        contact = session.get(Contact, user_id)
        if contact is None:
            continue
        entries = session.scalars(
            select(DigestEntry)
            .where(DigestEntry.user_id == user_id, DigestEntry.email_id.is_(None))
            .order_by(DigestEntry.created_at, DigestEntry.id)
            .with_for_update()
        ).all()
        content = compose_digest_email(
            username=contact.username, day=now.date(), lines=[DigestLine(e.title, e.link) for e in entries]
        )
        email = queue_email(
            session, content, notice_key=f"digest:{now.date().isoformat()}", recipient=contact.email, user_id=user_id
        )
        if email is None:
            continue
        for entry in entries:
            entry.email_id = email.id
        if stored is None:
            stored = StoredPreference(user_id=user_id, email_kinds=sorted(Preference().email_kinds), delivery=IMMEDIATE)
            session.add(stored)
        stored.last_digest_on = now.date()
        queued.append(email)
    return queued


def failed_emails(session: Session, limit: int) -> list[Email]:
    """E-mails given up on (refused for good, or out of attempts), newest first, for staff to follow up."""
    return list(
        session.scalars(
            select(Email).where(Email.status == FAILED).order_by(Email.created_at.desc(), Email.id).limit(limit)
        )
    )


@dataclass(frozen=True)
class DeliveryRound:
    """What one pass over the due e-mails did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due_emails(
    database: Database,
    transport: MailTransport,
    *,
    now: datetime | None = None,
    policy: RetryPolicy = RetryPolicy(),
    batch_size: int = DELIVERY_BATCH,
) -> DeliveryRound:
    """Claim due e-mails, send each, then record the outcome; each step commits on its own.

    The claim commits before anything is sent, so a crash mid-send leaves the e-mail 'sending' and
    it is never sent twice. A full batch claimed is followed at once by the next, so a burst (the yearly
    fee notices) drains without waiting for the next round.
    """
    now = now or datetime.now(UTC)
    counts = {SENT: 0, QUEUED: 0, FAILED: 0}
    while True:
        with database.session() as session:
            claimed = claim_due_emails(session, now, batch_size)
        _send_claimed(database, transport, claimed, counts, now=now, policy=policy)
        if len(claimed) < batch_size:
            return DeliveryRound(sent=counts[SENT], retrying=counts[QUEUED], failed=counts[FAILED])


def _send_claimed(
    database: Database,
    transport: MailTransport,
    claimed: list[OutgoingMail],
    counts: dict[str, int],
    *,
    now: datetime,
    policy: RetryPolicy,
) -> None:
    sent: list[str] = []
    for mail in claimed:
        try:
            transport.send(mail)
            sent.append(mail.email_id)
        except MailNotDelivered as error:
            with database.session() as session:
                status = record_delivery_failure(
                    session, mail.email_id, str(error), permanent=error.permanent, now=now, policy=policy
                )
            counts[status] += 1
        except Exception as error:  # noqa: BLE001 - outcome unknown: give up rather than risk a second copy
            log.error("email_send_crashed", email_id=mail.email_id, error=repr(error))
            with database.session() as session:
                status = record_delivery_failure(
                    session, mail.email_id, repr(error), permanent=True, now=now, policy=policy
                )
            counts[status] += 1
    if sent:
        # The e-mails the server took are recorded together: a crash before this commit leaves them 'sending',
        # which is never sent again, as after a crash mid-send.
        with database.session() as session:
            for email_id in sent:
                counts[record_delivery(session, email_id, sent_at=now)] += 1


def claim_due_emails(session: Session, now: datetime, limit: int = DELIVERY_BATCH) -> list[OutgoingMail]:
    """Mark up to `limit` due e-mails 'sending' (skipping rows another worker holds) and return them."""
    due = session.scalars(
        select(Email)
        .where(Email.status == QUEUED, Email.next_attempt_at <= now)
        .order_by(Email.next_attempt_at, Email.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for email in due:
        email.status = SENDING
        email.attempts += 1
        email.next_attempt_at = None
    return [OutgoingMail(e.id, e.recipient, e.subject, e.text_body, e.html_body, e.list_unsubscribe) for e in due]


def record_delivery(session: Session, email_id: str, *, sent_at: datetime) -> str:
    """The mail server accepted the e-mail: mark it sent and announce it."""
    email = session.get_one(Email, email_id)
    email.status = SENT
    email.sent_at = sent_at
    outbox.add(
        session,
        make_event("notify", "email_sent", {"email_id": email.id, "user_id": email.user_id, "subject": email.subject}),
    )
    log.info("email_sent", email_id=email.id, attempts=email.attempts)
    return SENT


def record_delivery_failure(
    session: Session, email_id: str, error: str, *, permanent: bool, now: datetime, policy: RetryPolicy
) -> str:
    """Schedule the next attempt with backoff, or give up when the error is permanent or attempts ran out."""
    email = session.get_one(Email, email_id)
    email.last_error = error[:2000]
    retry_at = None if permanent else policy.next_attempt_at(email.attempts, now)
    if retry_at is None:
        email.status = FAILED
        log.warning("email_failed", email_id=email.id, attempts=email.attempts, error=email.last_error)
    else:
        email.status = QUEUED
        email.next_attempt_at = retry_at
        log.info("email_retry_scheduled", email_id=email.id, attempts=email.attempts, retry_at=retry_at.isoformat())
    return email.status


def notices_of(session: Session, user_id: str, limit: int) -> dict[str, Any]:
    """A person's newest dashboard notices and how many of all their notices are unread."""
    mine = DashboardNotice.user_id == user_id
    unread = session.scalar(
        select(func.count()).select_from(DashboardNotice).where(mine, DashboardNotice.read_at.is_(None))
    )
    notices = session.scalars(
        select(DashboardNotice).where(mine).order_by(DashboardNotice.created_at.desc(), DashboardNotice.id).limit(limit)
    ).all()
    return {"unread": unread or 0, "notices": list(notices)}


def mark_notice_read(session: Session, user_id: str, notice_id: str) -> DashboardNotice | None:
    """Mark one of the person's notices read (the first reading time is kept); None if it is not theirs."""
    notice = session.scalar(
        select(DashboardNotice).where(DashboardNotice.id == notice_id, DashboardNotice.user_id == user_id)
    )
    if notice is not None and notice.read_at is None:
        notice.read_at = datetime.now(UTC)
    return notice


def _queue_account_email(
    session: Session, event: dict[str, Any], recipient: str, content: Any, user_id: str | None = None
) -> Email:
    """One e-mail about a person's account, keyed by the event and person so a redelivery queues nothing new."""
    user_id = user_id or event["payload"]["user_id"]
    key = f"{event['type']}:{event['event_id']}"
    existing = session.scalar(select(Email).where(Email.notice_key == key, Email.user_id == user_id))
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    email = Email(
        id=str(uuid.uuid4()),
        user_id=user_id,
        recipient=recipient,
        subject=content.subject,
        text_body=content.text_body,
        html_body=content.html_body,
        notice_key=key,
        status=QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(email)
    return email


def _expiry_text(expires_at: datetime) -> str:
    at = expires_at.astimezone(UTC)
    return f"{at:%B} {at.day}, {at:%Y %H:%M} UTC"


def send_email_verification(session: Session, event: dict[str, Any]) -> Email:
    """E-mail the verification link to the address being confirmed."""
    request = event["payload"]
    content = compose_verification_email(
        username=request["username"], url=request["verification_url"], expires=_expiry_text(request["expires_at"])
    )
    return _queue_account_email(session, event, request["email"], content)


def send_password_reset(session: Session, event: dict[str, Any]) -> Email:
    """E-mail the reset link to the account's address."""
    request = event["payload"]
    content = compose_password_reset_email(
        username=request["username"], url=request["reset_url"], expires=_expiry_text(request["expires_at"])
    )
    return _queue_account_email(session, event, request["email"], content)


def record_email_change(session: Session, event: dict[str, Any]) -> Email:
    """Reach the person at the new address from now on, and tell the old address of the change."""
    change = event["payload"]
    record_contact(
        session,
        {"payload": {"user_id": change["user_id"], "username": change["username"], "email": change["new_email"]}},
    )
    content = compose_email_changed_notice(username=change["username"], new_email=change["new_email"])
    return _queue_account_email(session, event, change["old_email"], content)


def tell_officers_of_link_request(session: Session, event: dict[str, Any]) -> list[Email]:
    """E-mail every officer of the entity known here; with none (a new or unclaimed entity) staff review it."""
    request = event["payload"]
    requester = session.get(Contact, request["user_id"])
    requester_name = requester.username if requester is not None else "Someone"
    officers = session.scalars(
        select(Contact)
        .join(Membership, Membership.user_id == Contact.user_id)
        .where(Membership.entity_id == request["entity_id"], Membership.role == "officer")
    )
    return [
        _queue_account_email(
            session,
            event,
            officer.email,
            compose_link_request_email(
                officer=officer.username, requester=requester_name, entity_id=request["entity_id"], role=request["role"]
            ),
            user_id=officer.user_id,
        )
        for officer in officers
    ]


def tell_of_link_outcome(session: Session, event: dict[str, Any], outcome: str) -> Email:
    """Tell the person whose link was denied, revoked or changed; keep the membership in step."""
    link = event["payload"]
    membership = session.get(Membership, (link["user_id"], link["entity_id"]))
    if outcome == "revoked" and membership is not None:
        session.delete(membership)
    elif outcome == "role_changed":
        record_membership(session, event)
    contact = session.get(Contact, link["user_id"])
    if contact is None:
        raise RecipientsNotKnownYet(f"no contact for user {link['user_id']} yet")
    content = compose_link_outcome_email(
        username=contact.username,
        entity_id=link["entity_id"],
        outcome=outcome,
        role=link["role"],
        previous_role=link.get("previous_role", ""),
    )
    return _queue_account_email(session, event, contact.email, content)
