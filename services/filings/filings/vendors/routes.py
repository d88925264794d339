"""Vendor routes: webhooks and certification results."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, NotFound, Unprocessable, register_problems
from filings.domain import certification
from filings.domain.webhooks import WebhookUrlRefused, check_webhook_url
from filings.vendors import handlers
from filings.vendors.models import WebhookDelivery, WebhookEndpoint
from filings.vendors.permissions import staff_only, vendor_id_of, vendor_only
from filings.vendors.schemas import (
    CertificationOut,
    DeliveryListOut,
    DeliveryOut,
    DeliveryQuery,
    ScenarioListOut,
    WebhookConfiguredOut,
    WebhookIn,
    WebhookOut,
)

blueprint = Blueprint("vendors", __name__, description="Vendor webhooks and certification scenarios")

# Gateway setting (create_app(config=...)) letting webhook URLs use plain http and internal addresses, for
# local runs and tests; production leaves it off so that vendors cannot aim CARS at its own network.
ALLOW_LOCAL_WEBHOOKS = "FILINGS_ALLOW_LOCAL_WEBHOOKS"
NOT_CONFIGURED = "You have not set a webhook URL; PUT /api/filings/v1/webhook first."

register_problems(
    blueprint,
    {
        handlers.WebhookNotConfigured: lambda _e: NotFound(NOT_CONFIGURED),
        handlers.DeliveryNotFound: lambda e: NotFound("You have no webhook delivery with this id.", field=e.field),
        handlers.DeliveryStillPending: lambda _e: Conflict(
            "This delivery is still queued or being tried; redeliver it once it is delivered or failed.",
            field="delivery_id",
        ),
        WebhookUrlRefused: lambda e: Unprocessable(str(e), field="url"),
    },
)

# A signing secret is in this answer: no cache may keep it.
NO_STORE = {"Cache-Control": "no-store"}


def endpoint_out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "secret_created_at": endpoint.secret_created_at,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


def delivery_out(delivery: WebhookDelivery, endpoint_url: str | None) -> dict[str, Any]:
    return {
        "delivery_id": delivery.delivery_id,
        "submission_id": delivery.submission_id,
        "event": delivery.event,
        "url": delivery.url or endpoint_url,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_attempt_at": delivery.last_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": delivery.delivered_at,
        "created_at": delivery.created_at,
        "payload": delivery.payload,
    }


def scenario_out(scenario: certification.Scenario) -> dict[str, Any]:
    return {
        "code": scenario.code,
        "title": scenario.title,
        "form": scenario.form,
        "outcome": scenario.outcome,
        "version": scenario.version.value,
        "instructions": scenario.instructions,
        "expected_problems": list(scenario.expected_problems),
    }


def certification_out(progress: handlers.CertificationProgress) -> dict[str, Any]:
    scenarios = []
    for standing in progress.standings:
        result = standing.result
        scenarios.append(
            {
                **scenario_out(standing.scenario),
                "status": result.status if result else "not_attempted",
                "passed_submission_id": result.passed_submission_id if result else None,
                "passed_filing_id": result.passed_filing_id if result else None,
                "passed_at": result.passed_at if result else None,
                "last_attempt_submission_id": result.last_attempt_submission_id if result else None,
                "last_attempt_at": result.last_attempt_at if result else None,
                "last_failure": result.last_failure if result else None,
            }
        )
    return {
        "vendor_id": progress.vendor_id,
        "all_passed": progress.all_passed_at is not None,
        "all_passed_at": progress.all_passed_at,
        "scenarios": scenarios,
    }


def calling_vendor() -> str:
    return vendor_id_of(current_principal())


@blueprint.route("/v1/webhook", methods=["PUT"])
@protected(blueprint, 403)
@vendor_only
@blueprint.arguments(WebhookIn)
@blueprint.response(200, WebhookConfiguredOut)
def configure_webhook(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Set where your decided submissions are posted; the first call (or `rotate_secret`) answers the signing secret.

    The secret is shown in this answer only. Each delivery is signed with it in the Cars-Signature header.
    """
    url = check_webhook_url(body["url"], allow_local=bool(current_app.config.get(ALLOW_LOCAL_WEBHOOKS)))
    with session_scope() as session:
        configured = handlers.configure_webhook(session, calling_vendor(), url, rotate_secret=body["rotate_secret"])
        answer = {**endpoint_out(configured.endpoint), "signing_secret": configured.new_secret}
    return answer, 200, NO_STORE


@blueprint.route("/v1/webhook", methods=["GET"])
@protected(blueprint, 403, 404)
@vendor_only
@blueprint.response(200, WebhookOut)
def webhook() -> dict[str, Any]:
    """Your webhook URL (never the signing secret)."""
    with session_scope() as session:
        return endpoint_out(handlers.webhook_of(session, calling_vendor()))


@blueprint.route("/v1/webhook/deliveries", methods=["GET"])
@protected(blueprint, 403, 404)
@vendor_only
@blueprint.arguments(DeliveryQuery, location="query")
@blueprint.response(200, DeliveryListOut)
def deliveries(query: dict[str, Any]) -> dict[str, Any]:
    """Your webhook deliveries, newest first, with their attempts and last error; failed ones can be redelivered."""
    vendor_id = calling_vendor()
    with session_scope() as session:
        found = handlers.deliveries_of(
            session, vendor_id, status=query.get("status"), before=query.get("before"), limit=query["limit"]
        )
        endpoint = session.get(WebhookEndpoint, vendor_id)
        endpoint_url = endpoint.url if endpoint else None
        return {
            "deliveries": [delivery_out(delivery, endpoint_url) for delivery in found],
            "next_before": found[-1].delivery_id if len(found) == query["limit"] else None,
        }


@blueprint.route("/v1/webhook/deliveries/<uuid:delivery_id>/redeliver", methods=["POST"])
@protected(blueprint, 403, 404, 409)
@vendor_only
@blueprint.response(202, DeliveryOut)
def redeliver(delivery_id: uuid.UUID) -> dict[str, Any]:
    """Send a delivered or failed delivery again (same delivery id, a fresh round of attempts)."""
    vendor_id = calling_vendor()
    with session_scope() as session:
        delivery = handlers.redeliver(session, vendor_id, str(delivery_id))
        return delivery_out(delivery, handlers.webhook_of(session, vendor_id).url)


@blueprint.route("/v1/certification/scenarios", methods=["GET"])
@blueprint.response(200, ScenarioListOut)
def scenarios() -> dict[str, Any]:
    """The certification scenarios a vendor's sandbox submissions must pass before staff may certify it."""
    return {"scenarios": [scenario_out(scenario) for scenario in certification.SCENARIOS]}


@blueprint.route("/v1/certification", methods=["GET"])
@protected(blueprint, 403)
@vendor_only
@blueprint.response(200, CertificationOut)
def own_certification() -> dict[str, Any]:
    """Your standing on every certification scenario, with the submission that passed it or why it fell short."""
    with session_scope() as session:
        return certification_out(handlers.certification_of(session, calling_vendor()))


@blueprint.route("/v1/vendors/<uuid:vendor_id>/certification", methods=["GET"])
@protected(blueprint, 403)
@staff_only
@blueprint.response(200, CertificationOut)
def vendor_certification(vendor_id: uuid.UUID) -> dict[str, Any]:
    """A vendor's standing on every certification scenario (staff)."""
    with session_scope() as session:
        return certification_out(handlers.certification_of(session, str(vendor_id)))
