"""Alert use cases: subscribe (throttled), confirm and unsubscribe by signed link, and tell subscribers of filings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cars_shared.logging import get_logger
from notify.domain import throttling
from notify.domain.alert_email import compose_confirmation_email, compose_filing_alert_email, filing_link
from notify.domain.alert_links import (
    CONFIRM,
    UNSUBSCRIBE,
    confirmation_link,
    signature_valid,
    unsubscribe_link,
)
from notify.domain.alerts import CONFIRMED, PENDING, UNSUBSCRIBED, needs_confirmation, normalised_address
from notify.domain.notice_email import NoticeEmail
from notify.handlers import queue_email
from notify.models import AlertSubscription, Email, ThrottleHit

log = get_logger(__name__)


class Throttled(Exception):
    """Too many public requests from this client or for this address; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; retry after {retry_after} s")
        self.retry_after = retry_after


class LinkNotValid(Exception):
    """The link's signature does not match, it expired, or its subscription is unknown."""


def count_request(session: Session, checks: list[tuple[str, throttling.ThrottlePolicy]], now: datetime) -> None:
    """Refuse the request when any of its throttle keys is used up; otherwise count it against each of them."""
    for key, policy in checks:
        since = now - policy.window
        hits = session.scalars(
            select(ThrottleHit.hit_at).where(ThrottleHit.throttle_key == key, ThrottleHit.hit_at > since)
        ).all()
        refused_for = policy.refused_for(hits, now)
        if refused_for is not None:
            raise Throttled(throttling.retry_after_seconds(refused_for))
    for key, policy in checks:
        # Hits older than the longest window count for nothing: keep the table small.
        session.execute(
            delete(ThrottleHit).where(ThrottleHit.throttle_key == key, ThrottleHit.hit_at <= now - policy.window)
        )
        session.add(ThrottleHit(throttle_key=key, hit_at=now))


def throttle_subscription_request(session: Session, email: str, *, client: str, now: datetime) -> None:
    """Count a subscription request against its client and its mailbox (its own unit of work, so refusals count)."""
    count_request(
        session,
        [
            (throttling.throttle_key("subscribe-client", client), throttling.SUBSCRIBE_PER_CLIENT),
            (throttling.throttle_key("subscribe-address", normalised_address(email)), throttling.SUBSCRIBE_PER_ADDRESS),
        ],
        now,
    )


def throttle_link_request(session: Session, *, client: str, now: datetime) -> None:
    """Count a confirm or unsubscribe request against its client, before its link is checked."""
    count_request(session, [(throttling.throttle_key("links-client", client), throttling.LINKS_PER_CLIENT)], now)


def subscribe(session: Session, email: str, entity_id: str, *, portal_url: str, key: bytes, now: datetime) -> None:
    """Ask for alerts of an entity's filings: a confirmation e-mail goes out unless the address is already confirmed.

    The answer is the same whatever the address's state, so a caller learns nothing about who subscribed.
    """
    request_subscription(
        session,
        email,
        {"entity_id": entity_id},
        lambda link: compose_confirmation_email(entity_id=entity_id, confirm_link=link),
        portal_url=portal_url,
        key=key,
        now=now,
    )


def request_subscription(
    session: Session,
    email: str,
    target: dict[str, str],
    confirmation: Callable[[str], NoticeEmail],
    *,
    portal_url: str,
    key: bytes,
    now: datetime,
) -> None:
    """Subscribe the address to `target` (its one column: entity_id or saved_search_id) pending confirmation, and
    queue the confirmation e-mail `confirmation(link)`; nothing for an address already confirmed."""
    address = normalised_address(email)
    subscription = _subscription_of(session, address, target)
    if subscription is not None and not needs_confirmation(subscription.status):
        return
    if subscription is None:
        subscription = AlertSubscription(id=str(uuid.uuid4()), email=address, status=PENDING, created_at=now, **target)
        try:
            with session.begin_nested():
                session.add(subscription)
        except IntegrityError:
            # A simultaneous request for the same address and target made it first: go on with that one.
            subscription = session.scalars(select(AlertSubscription).filter_by(email=address, **target)).one()
    subscription.status = PENDING
    content = confirmation(confirmation_link(portal_url, key, subscription.id, now))
    # Each request is its own notice: asking again sends a fresh link (within the throttle).
    queue_email(
        session,
        content,
        notice_key=f"alert_confirmation:{uuid.uuid4()}",
        recipient=address,
        subscription_id=subscription.id,
    )


def _subscription_of(session: Session, address: str, target: dict[str, str]) -> AlertSubscription | None:
    return session.scalar(select(AlertSubscription).filter_by(email=address, **target))


def _signed_subscription(
    session: Session, purpose: str, subscription_id: str, token: str, *, key: bytes, now: datetime, expires: int | None
) -> AlertSubscription:
    subscription = session.get(AlertSubscription, subscription_id)
    if subscription is None or not signature_valid(key, purpose, subscription_id, token, expires=expires, now=now):
        raise LinkNotValid("This link is not valid or has expired.")
    return subscription


def confirm(
    session: Session,
    subscription_id: str,
    expires: int,
    token: str,
    *,
    key: bytes,
    now: datetime,
) -> AlertSubscription:
    """Confirm a pending subscription by its signed link; confirming twice changes nothing."""
    subscription = _signed_subscription(session, CONFIRM, subscription_id, token, key=key, now=now, expires=expires)
    if subscription.status == PENDING:
        subscription.status = CONFIRMED
        subscription.confirmed_at = now
        log.info(
            "alert_subscription_confirmed",
            subscription_id=subscription.id,
            entity_id=subscription.entity_id,
            saved_search_id=subscription.saved_search_id,
        )
    elif subscription.status == UNSUBSCRIBED:
        # An old confirmation link must not undo a later unsubscribe.
        raise LinkNotValid("This subscription was ended; subscribe again to receive alerts.")
    return subscription


def unsubscribe(session: Session, subscription_id: str, token: str, *, key: bytes, now: datetime) -> AlertSubscription:
    """End a subscription by the signed link every alert carries; ending it twice changes nothing."""
    subscription = _signed_subscription(session, UNSUBSCRIBE, subscription_id, token, key=key, now=now, expires=None)
    if subscription.status != UNSUBSCRIBED:
        subscription.status = UNSUBSCRIBED
        subscription.unsubscribed_at = now
        log.info(
            "alert_subscription_ended",
            subscription_id=subscription.id,
            entity_id=subscription.entity_id,
            saved_search_id=subscription.saved_search_id,
        )
    return subscription


def alert_subscribers_of_filing(session: Session, event: dict[str, Any], *, portal_url: str, key: bytes) -> list[Email]:
    """E-mail every confirmed subscriber of the entity once about this filing version; returns the e-mails queued."""
    filing = event["payload"]

    def compose(unsubscribe_url: str) -> NoticeEmail:
        return compose_filing_alert_email(
            entity_id=filing["entity_id"],
            entity_name=filing["entity_name"],
            form=filing["form"],
            form_name=filing["form_name"],
            amendment=filing["amendment"],
            period_start=filing["period_start"],
            period_end=filing["period_end"],
            link=filing_link(portal_url, filing["filing_id"]),
            unsubscribe=unsubscribe_url,
        )

    subscribed = AlertSubscription.entity_id == filing["entity_id"]
    notice_key = f"filing:{filing['filing_id']}:{filing['amendment']}"
    return email_confirmed_subscribers(session, subscribed, notice_key, compose, portal_url=portal_url, key=key)


def email_confirmed_subscribers(
    session: Session,
    subscribed: ColumnElement[bool],
    notice_key: str,
    compose: Callable[[str], NoticeEmail],
    *,
    portal_url: str,
    key: bytes,
) -> list[Email]:
    """E-mail each confirmed subscription `subscribed` selects once under `notice_key` (`compose` writes the e-mail
    around its signed unsubscribe link); returns the e-mails queued now."""
    subscribers = session.scalars(
        select(AlertSubscription)
        .where(subscribed, AlertSubscription.status == CONFIRMED)
        .order_by(AlertSubscription.id)
    ).all()
    queued = []
    for subscription in subscribers:
        unsubscribe_url = unsubscribe_link(portal_url, key, subscription.id)
        email = queue_email(
            session,
            compose(unsubscribe_url),
            notice_key=notice_key,
            recipient=subscription.email,
            subscription_id=subscription.id,
            list_unsubscribe=unsubscribe_url,
        )
        if email is not None:
            queued.append(email)
    return queued
