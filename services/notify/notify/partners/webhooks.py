"""Partner webhooks: registration, signed delivery of the feed in order, retries, dead letters and redelivery."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from cars_shared.data_keys import DataKeys
from cars_shared.db import Database
from cars_shared.logging import get_logger
from notify.partners import feed
from notify.partners.models import PartnerWebhook, WebhookDeadLetter
from notify.partners.webhook_rules import (
    DEAD,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    REDELIVERED,
    REDELIVERY_REQUESTED,
    SIGNATURE_HEADER,
    RetrySchedule,
    delivered,
    new_signing_secret,
    signature_header,
)

log = get_logger(__name__)

DATA_KEYS = DataKeys.for_service("notify")
POST_TIMEOUT_SECONDS = 10
MAX_WEBHOOKS_PER_PARTNER = 10
# Events one webhook is sent per round, so one busy partner does not hold up the others.
EVENTS_PER_ROUND = 100

Post = Callable[[str, bytes, dict[str, str]], int]
"""Sends a delivery; returns the HTTP status (raises on a network error)."""


class WebhookNotFound(LookupError):
    """The partner has no webhook (or dead letter) with this id."""


class TooManyWebhooks(Exception):
    """The partner already has the most webhooks allowed."""


@dataclass(frozen=True)
class Registered:
    webhook: PartnerWebhook
    signing_secret: str


def _secret_context(webhook_id: str) -> str:
    return f"notify.partner_webhooks.{webhook_id}.secret"


def register(session: Session, partner_id: str, url: str, event_types: list[str], now: datetime) -> Registered:
    """A new webhook receiving the events from now on; its signing secret is returned this once."""
    count = session.scalar(select(func.count()).where(PartnerWebhook.partner_id == partner_id))
    if count >= MAX_WEBHOOKS_PER_PARTNER:
        raise TooManyWebhooks(f"A partner may have at most {MAX_WEBHOOKS_PER_PARTNER} webhooks.")
    webhook_id = str(uuid.uuid4())
    secret = new_signing_secret()
    webhook = PartnerWebhook(
        id=webhook_id,
        partner_id=partner_id,
        url=url,
        event_types=sorted(set(event_types)),
        sealed_secret=DATA_KEYS.ring().seal(secret, _secret_context(webhook_id)),
        position=feed.last_sequence(session),
        attempts=0,
        created_at=now,
    )
    session.add(webhook)
    session.flush()
    return Registered(webhook, secret)


def webhooks_of(session: Session, partner_id: str) -> list[PartnerWebhook]:
    return list(
        session.execute(
            select(PartnerWebhook).where(PartnerWebhook.partner_id == partner_id).order_by(PartnerWebhook.created_at)
        ).scalars()
    )


def own_webhook(session: Session, partner_id: str, webhook_id: str) -> PartnerWebhook:
    webhook = session.get(PartnerWebhook, webhook_id)
    if webhook is None or webhook.partner_id != partner_id:
        raise WebhookNotFound("You have no webhook with this id.")
    return webhook


def remove(session: Session, partner_id: str, webhook_id: str) -> None:
    webhook = own_webhook(session, partner_id, webhook_id)
    session.execute(delete(WebhookDeadLetter).where(WebhookDeadLetter.webhook_id == webhook.id))
    session.delete(webhook)


def remove_all_of(session: Session, partner_id: str) -> int:
    """Remove every webhook of a partner (revoked by staff) and their dead letters; returns how many webhooks."""
    webhook_ids = [webhook.id for webhook in webhooks_of(session, partner_id)]
    for webhook_id in webhook_ids:
        remove(session, partner_id, webhook_id)
    return len(webhook_ids)


def dead_letters(session: Session, partner_id: str, webhook_id: str, limit: int) -> list[WebhookDeadLetter]:
    """The events this webhook gave up on (or is asked to deliver again), oldest first."""
    own_webhook(session, partner_id, webhook_id)
    return list(
        session.execute(
            select(WebhookDeadLetter)
            .where(WebhookDeadLetter.webhook_id == webhook_id)
            .order_by(WebhookDeadLetter.sequence)
            .limit(limit)
        ).scalars()
    )


def request_redelivery(session: Session, partner_id: str, webhook_id: str, dead_letter_id: str) -> WebhookDeadLetter:
    """Ask for a dead letter to be sent again; the worker sends it before the webhook's next event."""
    own_webhook(session, partner_id, webhook_id)
    letter = session.get(WebhookDeadLetter, dead_letter_id)
    if letter is None or letter.webhook_id != webhook_id:
        raise WebhookNotFound("This webhook has no dead letter with this id.")
    letter.status = REDELIVERY_REQUESTED
    return letter


def reseal_signing_secrets(session: Session) -> int:
    """Seal again with the newest data key every signing secret sealed with an older one; returns how many."""
    ring = DATA_KEYS.ring()
    count = 0
    for webhook in session.execute(select(PartnerWebhook)).scalars():
        if not ring.sealed_with_current(webhook.sealed_secret):
            context = _secret_context(webhook.id)
            webhook.sealed_secret = ring.seal(ring.open(webhook.sealed_secret, context), context)
            count += 1
    return count


def post_with_requests(url: str, body: bytes, headers: dict[str, str]) -> int:
    response = requests.post(url, data=body, headers=headers, timeout=POST_TIMEOUT_SECONDS, allow_redirects=False)
    return response.status_code


class WebhookSender:
    """Sends each webhook its events in order: signed, retried with backoff, then left as a dead letter."""

    def __init__(self, post: Post = post_with_requests, schedule: RetrySchedule | None = None) -> None:
        self.post = post
        self.schedule = schedule or RetrySchedule()

    def _send(self, secret: str, url: str, event_id: str, type_: str, body: str) -> str | None:
        """None when the partner has the event, else what went wrong."""
        raw = body.encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_header(secret, raw, int(time.time())),
            EVENT_ID_HEADER: event_id,
            EVENT_TYPE_HEADER: type_,
        }
        try:
            status = self.post(url, raw, headers)
        except Exception as error:  # noqa: BLE001 - a network failure is a failed attempt like any other
            return repr(error)[:2000]
        return None if delivered(status) else f"HTTP {status}"

    def deliver_due(self, database: Database, now: datetime) -> int:
        """One round over the webhooks that are due; returns how many deliveries succeeded."""
        with database.session() as session:
            due = list(
                session.execute(
                    select(PartnerWebhook.id).where(
                        or_(PartnerWebhook.next_attempt_at.is_(None), PartnerWebhook.next_attempt_at <= now)
                    )
                ).scalars()
            )
        return sum(self._deliver_one(database, webhook_id, now) for webhook_id in due)

    def _deliver_one(self, database: Database, webhook_id: str, now: datetime) -> int:
        sent = 0
        with database.session() as session:
            # Several workers may run this; each webhook is sent by one at a time, the others skip it.
            webhook = session.execute(
                select(PartnerWebhook).where(PartnerWebhook.id == webhook_id).with_for_update(skip_locked=True)
            ).scalar()
            if webhook is None:
                return 0
            secret = DATA_KEYS.ring().open(webhook.sealed_secret, _secret_context(webhook.id))
            sent += self._redeliver(session, webhook, secret, now)
            types = set(webhook.event_types)
            for sequence, event_id, type_, body in feed.events_after(session, webhook.position, EVENTS_PER_ROUND):
                if types and type_ not in types:
                    webhook.position = sequence
                    continue
                error = self._send(secret, webhook.url, event_id, type_, body)
                if error is None:
                    webhook.position, webhook.attempts, webhook.last_error = sequence, 0, None
                    webhook.next_attempt_at = None
                    sent += 1
                    continue
                webhook.attempts += 1
                webhook.last_error = error
                retry_at = self.schedule.next_attempt_at(webhook.attempts, now)
                if retry_at is not None:
                    webhook.next_attempt_at = retry_at
                    log.info("partner_webhook_retry", webhook_id=webhook.id, sequence=sequence, error=error)
                    break
                session.add(
                    WebhookDeadLetter(
                        id=str(uuid.uuid4()),
                        webhook_id=webhook.id,
                        sequence=sequence,
                        event_id=event_id,
                        event_type=type_,
                        body=body,
                        status=DEAD,
                        attempts=webhook.attempts,
                        last_error=error,
                        failed_at=now,
                    )
                )
                log.warning("partner_webhook_dead_letter", webhook_id=webhook.id, sequence=sequence, error=error)
                webhook.position, webhook.attempts, webhook.next_attempt_at = sequence, 0, None
        return sent

    def _redeliver(self, session: Session, webhook: PartnerWebhook, secret: str, now: datetime) -> int:
        letters = session.execute(
            select(WebhookDeadLetter)
            .where(WebhookDeadLetter.webhook_id == webhook.id, WebhookDeadLetter.status == REDELIVERY_REQUESTED)
            .order_by(WebhookDeadLetter.sequence)
        ).scalars()
        sent = 0
        for letter in letters:
            error = self._send(secret, webhook.url, letter.event_id, letter.event_type, letter.body)
            letter.attempts += 1
            if error is None:
                letter.status, letter.redelivered_at, letter.last_error = REDELIVERED, now, None
                sent += 1
            else:
                letter.status, letter.last_error = DEAD, error
        return sent


def dead_letter_out(letter: WebhookDeadLetter) -> dict[str, Any]:
    return {
        "id": letter.id,
        "sequence": letter.sequence,
        "event_id": letter.event_id,
        "type": letter.event_type,
        "status": letter.status,
        "attempts": letter.attempts,
        "last_error": letter.last_error,
        "failed_at": letter.failed_at,
        "redelivered_at": letter.redelivered_at,
    }
