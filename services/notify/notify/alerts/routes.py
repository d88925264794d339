"""Public routes of alerts (a filer's new filings, a shared search's new results): subscribe, confirm and
unsubscribe; no account needed, requests throttled."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Any

from flask import request
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from cars_shared.config import PORTAL_URL
from cars_shared.web.app import session_scope
from cars_shared.web.problems import Forbidden, NotFound, TooManyRequests, documents_problems
from notify.alert_key import alert_signing_key
from notify.alerts import handlers, shared_searches
from notify.alerts.handlers import LinkNotValid, Throttled
from notify.alerts.schemas import (
    ConfirmQuery,
    SubscriptionOut,
    SubscriptionRequest,
    SubscriptionRequested,
    UnsubscribeQuery,
)
from notify.alerts.shared_searches import ShareNotKnown
from notify.models import AlertSubscription

blueprint = Blueprint(
    "alerts", __name__, description="Public e-mail alerts of an entity's new filings or a shared search's new results"
)

problems = {
    Throttled: lambda error: TooManyRequests("Too many requests; try again later.", retry_after=error.retry_after),
    LinkNotValid: lambda error: Forbidden(str(error), field="token"),
    ShareNotKnown: lambda error: NotFound(str(error), field="shared_search"),
}


def client_address() -> str:
    """The caller's address as the nearest proxy (the front door or the ingress) saw it, if it is an address."""
    for candidate in (request.access_route[-1] if request.access_route else None, request.remote_addr):
        try:
            return str(ipaddress.ip_address((candidate or "").strip()))
        except ValueError:
            continue
    return ""


@blueprint.route("/alerts/subscriptions", methods=["POST"])
@blueprint.arguments(SubscriptionRequest)
@blueprint.response(202, SubscriptionRequested)
@documents_problems(blueprint, 404, 429)
def subscribe(body: dict[str, Any]) -> dict[str, str]:
    """Ask for an e-mail whenever the entity (`entity_id`) files, or whenever the saved search shared by a link
    (`shared_search`) finds new results; nothing is sent until the address confirms by its link. A share link that
    was never made or is revoked is a 404."""
    now = datetime.now(UTC)
    with session_scope() as session:
        handlers.throttle_subscription_request(session, body["email"], client=client_address(), now=now)
    with session_scope() as session:
        if "shared_search" in body:
            shared_searches.subscribe(
                session,
                body["email"],
                body["shared_search"],
                portal_url=PORTAL_URL.get(),
                key=alert_signing_key(),
                now=now,
            )
        else:
            handlers.subscribe(
                session, body["email"], body["entity_id"], portal_url=PORTAL_URL.get(), key=alert_signing_key(), now=now
            )
    return {"detail": "Unless the address already receives these alerts, a confirmation e-mail is on its way."}


@blueprint.route("/alerts/confirm", methods=["GET", "POST"])
@blueprint.arguments(ConfirmQuery, location="query")
@blueprint.response(200, SubscriptionOut)
@documents_problems(blueprint, 403, 429)
def confirm(query: dict[str, Any]) -> Any:
    """Confirm a subscription by the signed link of its confirmation e-mail (valid for seven days)."""
    now = datetime.now(UTC)
    with session_scope() as session:
        handlers.throttle_link_request(session, client=client_address(), now=now)
    with session_scope() as session:
        subscription = handlers.confirm(
            session, str(query["subscription"]), query["expires"], query["token"], key=alert_signing_key(), now=now
        )
        return subscription_out(session, subscription)


@blueprint.route("/alerts/unsubscribe", methods=["GET", "POST"])
@blueprint.arguments(UnsubscribeQuery, location="query")
@blueprint.response(200, SubscriptionOut)
@documents_problems(blueprint, 403, 429)
def unsubscribe(query: dict[str, Any]) -> Any:
    """End a subscription by the signed link in every alert; POST is the one-click unsubscribe of RFC 8058."""
    now = datetime.now(UTC)
    with session_scope() as session:
        handlers.throttle_link_request(session, client=client_address(), now=now)
    with session_scope() as session:
        subscription = handlers.unsubscribe(
            session, str(query["subscription"]), query["token"], key=alert_signing_key(), now=now
        )
        return subscription_out(session, subscription)


def subscription_out(session: Session, subscription: AlertSubscription) -> dict[str, Any]:
    """What a subscription follows (the filer, or the shared search's name) and its status."""
    if subscription.entity_id is not None:
        return {"entity_id": subscription.entity_id, "status": subscription.status}
    return {"search_name": shared_searches.search_name_of(session, subscription) or "", "status": subscription.status}
