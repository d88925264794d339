"""HTTP routes for feed partners (staff with MFA) and their token exchange (mounted under /api/accounts)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from accounts.client_credentials import credential_out, new_credential_out
from accounts.domain.entity_links import STAFF_ROLES
from accounts.feed_partners import handlers, rules
from accounts.feed_partners.broker import BrokerAccounts, BrokerError, BrokerRefused, BrokerSettings, BrokerUnavailable
from accounts.feed_partners.exceptions import (
    CredentialNotFound,
    FeedPartnerNotFound,
    FeedPartnerRevoked,
    NotPermitted,
    SlugTaken,
    TooManyCredentials,
    WrongPartnerSecret,
)
from accounts.feed_partners.models import FeedPartner
from accounts.feed_partners.schemas import (
    AmqpRotationOut,
    FeedPartnerCreatedOut,
    FeedPartnerIn,
    FeedPartnerListOut,
    FeedPartnerOut,
    NewPartnerKeyOut,
    PartnerKeyListOut,
    PartnerKeyRotationIn,
    PartnerTokenIn,
    PartnerTokenOut,
)
from accounts.request_origin import client_address
from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    ProblemFactory,
    Unauthorized,
    Unprocessable,
    documents_problems,
    register_problems,
)

blueprint = Blueprint("feed_partners", __name__, description="Feed partners: subscribers to public events")


class BadGateway(Problem):
    status, title, slug = 502, "Bad Gateway", "bad-gateway"


class ServiceUnavailable(Problem):
    status, title, slug = 503, "Service Unavailable", "service-unavailable"


UNFINISHED = "The change was not made or not finished; try again (a retry completes it)."

PROBLEMS: dict[type[Exception], ProblemFactory] = {
    NotPermitted: lambda e: Forbidden(str(e)),
    FeedPartnerNotFound: lambda _e: NotFound("No feed partner has this id.", field="feed_partner_id"),
    FeedPartnerRevoked: lambda _e: Conflict("This feed partner is revoked.", field="feed_partner_id"),
    SlugTaken: lambda e: Conflict(
        f"Another feed partner already has the slug {e}; give a different slug.", field="slug"
    ),
    rules.SlugRejected: lambda e: Unprocessable(str(e), field="slug"),
    CredentialNotFound: lambda _e: NotFound("The feed partner has no active key with this key id.", field="key_id"),
    TooManyCredentials: lambda _e: Conflict(
        f"A feed partner may hold at most {rules.MAX_ACTIVE_CREDENTIALS} active keys; revoke one first.",
        field="feed_partner_id",
    ),
    WrongPartnerSecret: lambda _e: Unauthorized("The key id or the secret is not correct.", field="secret"),
    BrokerUnavailable: lambda e: ServiceUnavailable(f"{e}. {UNFINISHED}"),
    BrokerRefused: lambda e: BadGateway(f"{e}. {UNFINISHED}"),
}
register_problems(blueprint, PROBLEMS)


def require_staff_with_mfa() -> None:
    principal = current_principal()
    if not STAFF_ROLES.intersection(principal.roles):
        raise NotPermitted("Only staff manage feed partners.")
    if principal.claims.get("mfa") is not True:
        raise NotPermitted("Sign in with your second factor (MFA) to manage feed partners.")


def staff_only(*statuses: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A bearer-token route for staff signed in with MFA, checked before the request body is read."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require_staff_with_mfa()
            return view(*args, **kwargs)

        return protected(blueprint, 403, *statuses)(wrapper)

    return decorate


def staff_caller() -> handlers.StaffCaller:
    return handlers.StaffCaller(current_principal().user_id, client_address())


def broker() -> BrokerAccounts:
    return BrokerAccounts(BrokerSettings.from_config())


@contextmanager
def auditing_broker_failure(action: str, partner_id: str | None = None) -> Iterator[None]:
    """Audit a broker failure in a transaction of its own (the action's rolled back), then let it answer."""
    try:
        yield
    except BrokerError as error:
        with session_scope() as session:
            handlers.record_broker_failure(session, staff_caller(), action, partner_id, error)
        raise


def partner_out(partner: FeedPartner) -> dict[str, Any]:
    return {
        "feed_partner_id": partner.id,
        "name": partner.name,
        "slug": partner.slug,
        "contact_email": partner.contact_email,
        "status": partner.status,
        "broker_user": rules.broker_user(partner.slug),
        "queue_prefix": rules.queue_prefix(partner.slug),
        "created_by": partner.created_by,
        "created_at": partner.created_at,
        "amqp_password_rotated_at": partner.amqp_password_rotated_at,
        "revoked_by": partner.revoked_by,
        "revoked_at": partner.revoked_at,
    }


@blueprint.route("/v1/feed-partners", methods=["POST"])
@staff_only(409, 502, 503)
@blueprint.arguments(FeedPartnerIn)
@blueprint.response(201, FeedPartnerCreatedOut)
def create_partner(body: dict[str, Any]) -> dict[str, Any]:
    """Create a feed partner and its broker user partner-<slug>; answers its AMQP password and API key once."""
    with auditing_broker_failure("feed_partner.create"), session_scope() as session:
        provisioned = handlers.create_partner(
            session, broker(), staff_caller(), body["name"], body["contact_email"], body["slug"]
        )
        return {
            "feed_partner": partner_out(provisioned.partner),
            "amqp": asdict(provisioned.amqp),
            "credential": new_credential_out(provisioned.credential),
        }


@blueprint.route("/v1/feed-partners", methods=["GET"])
@staff_only()
@blueprint.response(200, FeedPartnerListOut)
def list_partners() -> dict[str, Any]:
    """Every feed partner, active and revoked, oldest first."""
    with session_scope() as session:
        return {"feed_partners": [partner_out(partner) for partner in handlers.list_partners(session)]}


@blueprint.route("/v1/feed-partners/<uuid:partner_id>", methods=["GET"])
@staff_only(404)
@blueprint.response(200, FeedPartnerOut)
def get_partner(partner_id: uuid.UUID) -> dict[str, Any]:
    """One feed partner."""
    with session_scope() as session:
        return partner_out(handlers.partner_by_id(session, str(partner_id)))


@blueprint.route("/v1/feed-partners/<uuid:partner_id>/amqp-password", methods=["POST"])
@staff_only(404, 409, 502, 503)
@blueprint.response(200, AmqpRotationOut)
def rotate_amqp_password(partner_id: uuid.UUID) -> dict[str, Any]:
    """A new AMQP password, shown once; the old one stops working and its open connections are closed."""
    with auditing_broker_failure("feed_partner.rotate_amqp_password", str(partner_id)), session_scope() as session:
        partner, amqp = handlers.rotate_broker_password(session, broker(), staff_caller(), str(partner_id))
        return {"feed_partner": partner_out(partner), "amqp": asdict(amqp)}


@blueprint.route("/v1/feed-partners/<uuid:partner_id>", methods=["DELETE"])
@staff_only(404, 502, 503)
@blueprint.response(200, FeedPartnerOut)
def revoke_partner(partner_id: uuid.UUID) -> dict[str, Any]:
    """Revoke a feed partner: its broker user and queues are deleted and its API keys stop at once."""
    with auditing_broker_failure("feed_partner.revoke", str(partner_id)), session_scope() as session:
        return partner_out(handlers.revoke_partner(session, broker(), staff_caller(), str(partner_id)))


@blueprint.route("/v1/feed-partners/<uuid:partner_id>/credentials", methods=["POST"])
@staff_only(404, 409)
@blueprint.response(201, NewPartnerKeyOut)
def issue_credential(partner_id: uuid.UUID) -> dict[str, Any]:
    """One more API key for the partner; the secret is shown this once."""
    with session_scope() as session:
        return new_credential_out(handlers.issue_credential(session, staff_caller(), str(partner_id)))


@blueprint.route("/v1/feed-partners/<uuid:partner_id>/credentials", methods=["GET"])
@staff_only(404)
@blueprint.response(200, PartnerKeyListOut)
def list_credentials(partner_id: uuid.UUID) -> dict[str, Any]:
    """The partner's API keys, active and revoked (never their secrets)."""
    with session_scope() as session:
        return {"credentials": [credential_out(item) for item in handlers.credentials_of(session, str(partner_id))]}


@blueprint.route("/v1/feed-partners/<uuid:partner_id>/credentials/<key_id>/rotation", methods=["POST"])
@staff_only(404, 409)
@blueprint.arguments(PartnerKeyRotationIn)
@blueprint.response(200, NewPartnerKeyOut)
def rotate_credential(body: dict[str, Any], partner_id: uuid.UUID, key_id: str) -> dict[str, Any]:
    """A new secret for the key; the replaced one keeps working for a short overlap unless `immediately`."""
    with session_scope() as session:
        issued = handlers.rotate_credential(
            session, staff_caller(), str(partner_id), key_id, immediately=body["immediately"]
        )
        return new_credential_out(issued)


@blueprint.route("/v1/feed-partners/<uuid:partner_id>/credentials/<key_id>", methods=["DELETE"])
@staff_only(404)
@blueprint.response(204)
def revoke_credential(partner_id: uuid.UUID, key_id: str) -> None:
    """Revoke the key and all its secrets at once."""
    with session_scope() as session:
        handlers.revoke_credential(session, staff_caller(), str(partner_id), key_id)


@blueprint.route("/v1/partner-tokens", methods=["POST"])
@blueprint.arguments(PartnerTokenIn)
@blueprint.response(200, PartnerTokenOut)
@documents_problems(blueprint, 401)
def partner_token(body: dict[str, Any]) -> dict[str, Any]:
    """Exchange a feed partner's key id and secret for a short-lived access token (role feed_partner)."""
    with session_scope() as session:
        token = handlers.issue_partner_token(
            session, current_app.extensions["accounts.signing_key"], body["key_id"], body["secret"]
        )
    return asdict(token)
