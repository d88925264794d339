"""Public alerts of shared saved searches: the shares search announces, subscriptions by share link, and the
e-mails of a shared search's new results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cars_shared.logging import get_logger
from notify.alerts.handlers import email_confirmed_subscribers, request_subscription
from notify.domain.alert_email import compose_shared_search_alert_email, compose_shared_search_confirmation_email
from notify.domain.alert_shares import is_newer_fact, share_key, share_token_in
from notify.domain.alerts import UNSUBSCRIBED
from notify.domain.notice_email import NoticeEmail
from notify.models import AlertSubscription, Email, SharedSearch

log = get_logger(__name__)


class ShareNotKnown(Exception):
    """No saved search is shared by this link: it was never made, it was revoked, or its search was deleted."""


def record_share(session: Session, event: dict[str, Any]) -> SharedSearch:
    """`saved_search_shared`: remember the share (its name and its token's key) unless a newer fact is known."""
    shared = event["payload"]
    changed_at = _moment(shared["changed_at"])
    known = session.get(SharedSearch, shared["saved_search_id"], with_for_update=True)
    if known is None:
        known = SharedSearch(saved_search_id=shared["saved_search_id"], changed_at=changed_at)
        session.add(known)
    elif not is_newer_fact(changed_at, known.changed_at):
        return known
    if known.share_key is not None and known.share_key != shared["share_key"]:
        # A new link (the old one revoked meanwhile, that news overtaken): the old link's subscribers are done.
        _end_subscriptions(session, known.saved_search_id, changed_at)
    known.name, known.share_key, known.changed_at = shared["name"], shared["share_key"], changed_at
    session.flush()
    return known


def end_share(session: Session, event: dict[str, Any]) -> int:
    """`saved_search_unshared`: forget the link and end every subscription to it; how many were ended."""
    unshared = event["payload"]
    changed_at = _moment(unshared["changed_at"])
    known = session.get(SharedSearch, unshared["saved_search_id"], with_for_update=True)
    if known is None:
        # Revoked before the share reached us: remember it, so the late news of the share changes nothing.
        session.add(SharedSearch(saved_search_id=unshared["saved_search_id"], name="", changed_at=changed_at))
        return 0
    if not is_newer_fact(changed_at, known.changed_at):
        return 0
    known.share_key, known.changed_at = None, changed_at
    return _end_subscriptions(session, known.saved_search_id, changed_at)


def _end_subscriptions(session: Session, saved_search_id: str, now: datetime) -> int:
    ended = session.execute(
        update(AlertSubscription)
        .where(AlertSubscription.saved_search_id == saved_search_id, AlertSubscription.status != UNSUBSCRIBED)
        .values(status=UNSUBSCRIBED, unsubscribed_at=now)
    ).rowcount
    log.info("shared_search_alerts_ended", saved_search_id=saved_search_id, subscriptions=ended)
    return ended


def shared_search_of(session: Session, link_or_token: str) -> SharedSearch:
    """The shared search this link (or its token) names; ShareNotKnown if it is not shared (or no longer)."""
    token = share_token_in(link_or_token)
    known = None
    if token is not None:
        known = session.scalar(select(SharedSearch).where(SharedSearch.share_key == share_key(token)))
    if known is None:
        raise ShareNotKnown("This share link is not valid, or it was revoked.")
    return known


def subscribe(session: Session, email: str, link_or_token: str, *, portal_url: str, key: bytes, now: datetime) -> None:
    """Ask for alerts of a shared search's new results, naming it by its share link: a confirmation e-mail goes out
    unless the address is already confirmed (the answer is the same either way). ShareNotKnown for a link never
    made or revoked."""
    shared = shared_search_of(session, link_or_token)
    request_subscription(
        session,
        email,
        {"saved_search_id": shared.saved_search_id},
        lambda link: compose_shared_search_confirmation_email(name=shared.name, confirm_link=link),
        portal_url=portal_url,
        key=key,
        now=now,
    )


def search_name_of(session: Session, subscription: AlertSubscription) -> str | None:
    """The name of the shared search a subscription follows, as last announced (None for an entity's alerts)."""
    if subscription.saved_search_id is None:
        return None
    known = session.get(SharedSearch, subscription.saved_search_id)
    return known.name if known is not None else None


def alert_subscribers_of_shared_search(
    session: Session, event: dict[str, Any], *, portal_url: str, key: bytes
) -> list[Email]:
    """`shared_search_matched`: e-mail each confirmed subscriber once about this run; returns the e-mails queued."""
    matched = event["payload"]

    def compose(unsubscribe_url: str) -> NoticeEmail:
        return compose_shared_search_alert_email(
            name=matched["name"], new_results=matched["new_results"], link=matched["link"], unsubscribe=unsubscribe_url
        )

    subscribed = AlertSubscription.saved_search_id == matched["saved_search_id"]
    notice_key = f"shared_search:{matched['saved_search_id']}:{_moment(matched['matched_at']).isoformat()}"
    return email_confirmed_subscribers(session, subscribed, notice_key, compose, portal_url=portal_url, key=key)


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
