"""Payments routes: intents for an entity's own people, the provider's webhook and the local hosted checkout
(public, the webhook trusted by its signature alone), staff-recorded payments and refunds (staff, logged):
a refund of an online payment goes through its provider.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from cars_shared import logging as cars_logging
from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, Forbidden, NotFound, Problem, documents_problems, register_problems
from fees import permissions
from fees.domain.calendar import california_today
from fees.payments import checkout_page, handlers
from fees.payments.handlers import PaymentMethod, PaymentRefused, ProviderUnavailable, RefundRequested
from fees.payments.lifecycle import IntentStatus, ProviderEventKind
from fees.payments.models import PaymentRefund, ProcessedProviderEvent
from fees.payments.providers import SIGNATURE_HEADER, LocalProvider, WebhookRefused, configured_provider
from fees.payments.schemas import (
    CheckoutIn,
    IntentIn,
    IntentOut,
    ProviderEventDoc,
    RecordedPaymentIn,
    RefundIn,
    RefundOut,
    WebhookOut,
)
from fees.staff.handlers import ActionRefused, NotOnFile
from fees.staff.routes import perform_staff_action, staff_action
from fees.staff.schemas import EntryOut

log = cars_logging.get_logger(__name__)

blueprint = Blueprint("payments", __name__, description="Payments: online, recorded by staff, refunds")
register_problems(
    blueprint,
    {
        PaymentRefused: lambda error: Conflict(str(error), field=error.field),
        NotOnFile: lambda error: NotFound(str(error), field=error.field),
        ActionRefused: lambda error: Conflict(str(error), field=error.field),
    },
)

PROVIDER_EXTENSION = "fees.payment_provider"
PAYING_ROLES = frozenset({"officer", "agent"})
"""An entity's officers and agents pay its fees; a viewer only reads its statement."""

HTML_RESPONSE = {
    "description": "The hosted checkout page.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
WEBHOOK_DOC = {
    "security": [],
    "parameters": [
        {
            "in": "header",
            "name": SIGNATURE_HEADER,
            "required": True,
            "schema": {"type": "string"},
            "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' under the provider secret>",
        }
    ],
}


def configured() -> LocalProvider | None:
    """The gateway's payment provider (made from configuration on first use); None when online payments are off."""
    extensions = current_app.extensions
    if PROVIDER_EXTENSION not in extensions:
        extensions[PROVIDER_EXTENSION] = configured_provider()
    return extensions[PROVIDER_EXTENSION]


def payment_provider(name: str | None = None) -> LocalProvider:
    """The configured provider (the one named `name`, if given): 503 when payments are off, 404 for another name."""
    provider = configured()
    if name is not None and (provider is None or name != provider.name):
        raise NotFound(f"No payment provider {name[:40]} is configured.")
    if provider is None:
        raise Problem("Online payments are not available here.", status=503, title="Service Unavailable")
    return provider


def require_may_pay(claims: Mapping[str, Any], entity_id: str) -> None:
    """The token must link the caller to the entity as an officer or agent (MFA judged where the claim is stated)."""
    links = claims.get("entities")
    roles = {
        link.get("role")
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict) and link.get("entity_id") == entity_id
    }
    if not roles & PAYING_ROLES:
        raise Forbidden(f"Only officers and agents of entity {entity_id} pay its fees online.")
    if claims.get("mfa", True) is not True:
        raise Forbidden("Sign in with your second factor (MFA) to pay.")


def paying_for_entity(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse anyone who may not pay for the entity before the request is even read (below `protected`)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_may_pay(current_principal().claims, kwargs["entity_id"])
        return view(*args, **kwargs)

    return wrapper


@blueprint.route("/v1/entities/<entity_id>/payment-intents", methods=["POST"])
@protected(blueprint, 403, 409, 503, by_reference=True)
@paying_for_entity
@blueprint.arguments(IntentIn)
@blueprint.response(201, IntentOut)
def open_intent(body: dict[str, Any], entity_id: str) -> Any:
    """Start paying part or all of the entity's open balance online; the payer goes on to `checkout_url`."""
    with session_scope() as session:
        return handlers.open_intent(
            session,
            payment_provider(),
            entity_id,
            body["amount_cents"],
            current_principal().user_id,
            datetime.now(UTC),
        )


@blueprint.route("/v1/entities/<entity_id>/payment-intents/<intent_id>", methods=["GET"])
@protected(blueprint, 403, 404, by_reference=True)
@blueprint.response(200, IntentOut)
def read_intent(entity_id: str, intent_id: str) -> Any:
    """Where an online payment of the entity stands."""
    permissions.require_may_read_account(current_principal(), entity_id)
    with session_scope() as session:
        intent = handlers.intent_of(session, entity_id, intent_id)
        if intent is None:
            raise NotFound(f"Entity {entity_id} has no payment intent {intent_id}.")
        return intent


def _refuse(provider: str, reason: str, detail: str, claimed_event_id: str | None, client: str | None) -> None:
    log.warning(
        "payment_webhook_refused", provider=provider[:40], reason=reason, event_id=claimed_event_id, client=client
    )
    with session_scope() as session:
        handlers.record_refusal(session, provider, reason, detail, claimed_event_id, client)


def receive_delivery(provider_name: str, body: bytes, headers: Mapping[str, str], client: str | None) -> dict[str, str]:
    """Verify a provider's webhook delivery and act on its event once; a forged, stale or replayed one is refused
    (a 400 or 409 problem) and kept on the security record.
    """
    provider = payment_provider(provider_name)
    try:
        event = provider.read_webhook(body, headers)
    except WebhookRefused as refused:
        _refuse(provider.name, refused.reason, str(refused), refused.claimed_event_id, client)
        raise Problem(str(refused)) from refused
    try:
        with session_scope() as session:
            record = handlers.apply_provider_event(session, provider.name, event, datetime.now(UTC))
            answer = {"event_id": record.event_id, "outcome": str(record.outcome)}
    except IntegrityError as clash:
        with session_scope() as session:
            replayed = session.get(ProcessedProviderEvent, (provider.name, event.event_id)) is not None
        if not replayed:
            raise
        _refuse(provider.name, "replayed", f"Event {event.event_id} was already processed.", event.event_id, client)
        raise Conflict(f"Event {event.event_id} was already processed.") from clash
    log.info("payment_webhook_processed", provider=provider.name, event_id=event.event_id, outcome=answer["outcome"])
    return answer


@blueprint.route("/v1/payment-webhooks/<provider>", methods=["POST"])
@blueprint.doc(**WEBHOOK_DOC)
@blueprint.doc(requestBody={"required": True, "content": {"application/json": {"schema": ProviderEventDoc}}})
@documents_problems(blueprint, 400, 404, 409)
@blueprint.response(200, WebhookOut)
def provider_webhook(provider: str) -> dict[str, str]:
    """A payment provider's event, trusted only by its signature; each event id is acted on once."""
    return receive_delivery(provider, request.get_data(), request.headers, request.remote_addr)


def _html(document: str, status: int = 200) -> Response:
    return Response(document, status=status, mimetype="text/html", headers=checkout_page.PAGE_HEADERS)


def _checkout_intent(reference: str) -> Any:
    provider = payment_provider(LocalProvider.name)
    with session_scope() as session:
        intent = handlers.intent_by_reference(session, provider.name, reference[:100])
        if intent is None:
            raise NotFound("No checkout of that address is open.")
        session.expunge(intent)
    return provider, intent


@blueprint.route("/v1/checkout/<reference>", methods=["GET"])
@blueprint.doc(responses={"200": HTML_RESPONSE}, security=[])
@documents_problems(blueprint, 404)
@blueprint.response(200, description="The hosted checkout page.", content_type="text/html")
def checkout(reference: str) -> Response:
    """The local payment provider's hosted checkout: pay or cancel (only `make run` uses it)."""
    _, intent = _checkout_intent(reference)
    open_now = intent.status == IntentStatus.OPEN and intent.expires_at > datetime.now(UTC)
    status = intent.status if intent.status != IntentStatus.OPEN or open_now else "expired"
    return _html(
        checkout_page.checkout(intent.entity_id, intent.amount_cents, status, intent.expires_at, open_now=open_now)
    )


@blueprint.route("/v1/checkout/<reference>", methods=["POST"])
@blueprint.doc(responses={"200": HTML_RESPONSE}, security=[])
@documents_problems(blueprint, 404, 409)
@blueprint.arguments(CheckoutIn, location="form")
@blueprint.response(200, description="The page after paying or canceling.", content_type="text/html")
def complete_checkout(form: dict[str, Any], reference: str) -> Response:
    """Pay or cancel; the local provider then calls the webhook with its signed event, as a real one would."""
    provider, intent = _checkout_intent(reference)
    if intent.status != IntentStatus.OPEN or intent.expires_at <= datetime.now(UTC):
        raise Conflict("This checkout is no longer open.")
    paid = form["action"] == "pay"
    kind = ProviderEventKind.SUCCEEDED if paid else ProviderEventKind.CANCELED
    delivery = provider.delivery(kind, intent.reference, intent.amount_cents)
    receive_delivery(provider.name, delivery.body, delivery.headers, "local checkout")
    return _html(checkout_page.completed(intent.entity_id, intent.amount_cents, paid))


@blueprint.route("/v1/entities/<entity_id>/payments", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@staff_action("record_payment")
@blueprint.arguments(RecordedPaymentIn)
@blueprint.response(201, EntryOut)
def record_payment(body: dict[str, Any], entity_id: str) -> Any:
    """Record a payment received by mail or at the counter (a cheque, a money order) by its reference number."""
    detail = {
        "amount_cents": body["amount_cents"],
        "method": body["method"],
        "reference": body["reference"],
        "received_on": body["received_on"].isoformat(),
    }
    return perform_staff_action(
        "record_payment",
        entity_id,
        None,
        detail,
        lambda session, clerk: handlers.record_payment(
            session,
            clerk,
            entity_id,
            amount_cents=body["amount_cents"],
            method=PaymentMethod(body["method"]),
            reference=body["reference"],
            received_on=body["received_on"],
            today=california_today(),
        ),
    )


@blueprint.route("/v1/entities/<entity_id>/refunds", methods=["POST"])
@protected(blueprint, 403, 404, 409, 503, by_reference=True)
@staff_action("refund_payment")
@blueprint.arguments(RefundIn)
@blueprint.response(201, EntryOut, description="A payment staff recorded (a cheque), refunded: its reversal.")
@blueprint.alt_response(
    202,
    schema=RefundOut,
    description="An online payment's refund, sent to its provider: the payment is reversed once the provider "
    "confirms (the local provider confirms at once).",
)
def refund(body: dict[str, Any], entity_id: str) -> Any:
    """Refund a payment in full, with the reason: a recorded payment at once, an online one through its provider."""
    provider = configured()

    def send(session: Any, clerk: Any) -> Any:
        try:
            return handlers.refund_payment(
                session,
                clerk,
                entity_id,
                body["entry_id"],
                reason=body["reason"],
                today=california_today(),
                provider=provider,
            )
        except ProviderUnavailable as unavailable:
            raise Problem(str(unavailable), status=503, title="Service Unavailable") from unavailable

    result = perform_staff_action(
        "refund_payment", entity_id, body["entry_id"], {"entry_id": body["entry_id"], "reason": body["reason"]}, send
    )
    if not isinstance(result, RefundRequested):
        return result
    if result.confirmation is not None and provider is not None:
        # The provider answered at once: its signed event goes through the webhook's own checks, as if delivered.
        receive_delivery(provider.name, result.confirmation.body, result.confirmation.headers, "payment provider")
    with session_scope() as session:
        sent = session.get(PaymentRefund, result.refund.refund_id)
        response = jsonify(RefundOut().dump(sent))
    response.status_code = 202
    return response


@blueprint.route("/v1/entities/<entity_id>/refunds/<refund_id>", methods=["GET"])
@protected(blueprint, 403, 404, by_reference=True)
@permissions.staff_only
@blueprint.response(200, RefundOut)
def read_refund(entity_id: str, refund_id: str) -> Any:
    """Where an online payment's refund stands (pending until the provider confirms it)."""
    with session_scope() as session:
        refund = handlers.refund_of(session, entity_id, refund_id)
        if refund is None:
            raise NotFound(f"Entity {entity_id} has no refund {refund_id}.")
        return refund
