"""Partner routes: the public catalogue and HTTP feed (no account, throttled) and partners' signed webhooks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response, current_app, jsonify
from flask_smorest import Blueprint

from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Forbidden, NotFound, Problem, documents_problems
from notify.alerts.handlers import count_request
from notify.alerts.routes import client_address
from notify.domain.throttling import ThrottlePolicy, throttle_key
from notify.partners import catalogue, feed, webhooks
from notify.partners.feed import CursorExpired, CursorInvalid
from notify.partners.permissions import feed_partner
from notify.partners.schemas import (
    AsyncApiOut,
    CatalogueOut,
    DeadLetterOut,
    DeadLettersOut,
    DeadLettersQuery,
    FeedPage,
    FeedQuery,
    WebhookCreated,
    WebhookIn,
    WebhooksOut,
)
from notify.partners.webhook_rules import WebhookUrlRefused, check_webhook_url

blueprint = Blueprint("partners", __name__, description="Public events for integration partners")

ALLOW_LOCAL_WEBHOOKS = "NOTIFY_ALLOW_LOCAL_WEBHOOKS"
"""App config flag (local runs, tests): webhooks may then use plain http and internal addresses."""
FEED_SLEEP = "NOTIFY_PARTNER_FEED_SLEEP"
"""App config: the function a long-poll sleeps with between looks (tests)."""
# A reader paging through the feed makes one request per page; this only stops a client hammering it.
FEED_PER_CLIENT = ThrottlePolicy(limit=600, window=timedelta(minutes=1))
LONG_POLL_INTERVAL = 0.2


class Gone(Problem):
    status, title, slug = 410, "Gone", "gone"


problems = {
    WebhookUrlRefused: lambda error: Problem(str(error), field="url", status=422, title="Unprocessable Content"),
    webhooks.WebhookNotFound: lambda error: NotFound(str(error)),
    webhooks.TooManyWebhooks: lambda error: Forbidden(str(error)),
}


@blueprint.route("/partners/catalogue", methods=["GET"])
@blueprint.response(200, CatalogueOut)
def event_catalogue() -> Response:
    """Every public event type: version, routing key, JSON Schema and an example (also in docs/partners/)."""
    return jsonify(catalogue.catalogue())


@blueprint.route("/partners/asyncapi.json", methods=["GET"])
@blueprint.response(200, AsyncApiOut)
def asyncapi_document() -> Response:
    """The AsyncAPI 2.6 document of the `cars.public` exchange."""
    return jsonify(catalogue.asyncapi())


def _sleep() -> Callable[[float], None]:
    return current_app.config.get(FEED_SLEEP, time.sleep)


@blueprint.route("/partners/feed", methods=["GET"])
@blueprint.arguments(FeedQuery, location="query")
@blueprint.response(200, FeedPage)
@documents_problems(blueprint, 400, 410, 429)
def public_feed(query: dict[str, Any]) -> Response:
    """Public events in order after a cursor, filtered by type and entity; `wait` long-polls for new ones.

    Answer 410 for a cursor older than the retention window: start again without one.
    """
    try:
        after = feed.decode_cursor(query["after"]) if "after" in query else None
    except CursorInvalid as error:
        raise Problem("The cursor is not one this feed gave out; use an answer's `next`.", field="after") from error
    with session_scope() as session:
        count_request(session, [(throttle_key("partner-feed-client", client_address()), FEED_PER_CLIENT)], now())
    # Looks once, then again every LONG_POLL_INTERVAL seconds until an event is there or `wait` is over.
    looks_left = int(query["wait"] / LONG_POLL_INTERVAL)
    while True:
        try:
            with session_scope() as session:
                found = feed.page(
                    session, after, types=query["type"], entity_id=query.get("entity_id"), limit=query["limit"]
                )
        except CursorExpired as error:
            raise Gone(
                "Events after this cursor are past the retention window; start again without `after`.", field="after"
            ) from error
        if found.bodies or looks_left <= 0:
            break
        looks_left -= 1
        _sleep()(LONG_POLL_INTERVAL)
    # The events are kept as the JSON partners receive: they go out as stored, byte for byte.
    text = '{"events":[' + ",".join(found.bodies) + '],"next":' + json.dumps(feed.encode_cursor(found.next_sequence))
    return Response(text + "}", mimetype="application/json")


def now() -> datetime:
    return datetime.now(UTC)


def _webhook_out(webhook: Any, secret: str | None = None) -> dict[str, Any]:
    out = {
        "id": webhook.id,
        "url": webhook.url,
        "event_types": list(webhook.event_types),
        "created_at": webhook.created_at,
        "next_attempt_at": webhook.next_attempt_at,
        "last_error": webhook.last_error,
    }
    if secret is not None:
        out["signing_secret"] = secret
    return out


@blueprint.route("/partners/webhooks", methods=["POST"])
@protected(blueprint, 403, 422)
@blueprint.arguments(WebhookIn)
@blueprint.response(201, WebhookCreated)
def create_webhook(body: dict[str, Any]) -> dict[str, Any]:
    """Receive the chosen event types at a URL (https), signed; the signing secret is shown this once."""
    partner_id = feed_partner(current_principal())
    url = check_webhook_url(body["url"], allow_local=bool(current_app.config.get(ALLOW_LOCAL_WEBHOOKS)))
    with session_scope() as session:
        registered = webhooks.register(session, partner_id, url, body["event_types"], now())
        return _webhook_out(registered.webhook, registered.signing_secret)


@blueprint.route("/partners/webhooks", methods=["GET"])
@protected(blueprint, 403)
@blueprint.response(200, WebhooksOut)
def list_webhooks() -> dict[str, Any]:
    """The caller's webhooks."""
    partner_id = feed_partner(current_principal())
    with session_scope() as session:
        return {"webhooks": [_webhook_out(webhook) for webhook in webhooks.webhooks_of(session, partner_id)]}


@blueprint.route("/partners/webhooks/<uuid:webhook_id>", methods=["DELETE"])
@protected(blueprint, 403, 404)
@blueprint.response(204)
def delete_webhook(webhook_id: Any) -> None:
    """Stop a webhook; its dead letters go with it."""
    partner_id = feed_partner(current_principal())
    with session_scope() as session:
        webhooks.remove(session, partner_id, str(webhook_id))


@blueprint.route("/partners/webhooks/<uuid:webhook_id>/dead-letters", methods=["GET"])
@protected(blueprint, 403, 404)
@blueprint.arguments(DeadLettersQuery, location="query")
@blueprint.response(200, DeadLettersOut)
def list_dead_letters(query: dict[str, Any], webhook_id: Any) -> dict[str, Any]:
    """Events the webhook gave up delivering after its retries, oldest first."""
    partner_id = feed_partner(current_principal())
    with session_scope() as session:
        letters = webhooks.dead_letters(session, partner_id, str(webhook_id), query["limit"])
        return {"dead_letters": [webhooks.dead_letter_out(letter) for letter in letters]}


@blueprint.route("/partners/webhooks/<uuid:webhook_id>/dead-letters/<uuid:dead_letter_id>/redelivery", methods=["POST"])
@protected(blueprint, 403, 404)
@blueprint.response(202, DeadLetterOut)
def redeliver(webhook_id: Any, dead_letter_id: Any) -> dict[str, Any]:
    """Send a dead letter again (before the webhook's next event)."""
    partner_id = feed_partner(current_principal())
    with session_scope() as session:
        letter = webhooks.request_redelivery(session, partner_id, str(webhook_id), str(dead_letter_id))
        return webhooks.dead_letter_out(letter)
