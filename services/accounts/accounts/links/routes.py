"""HTTP routes for entity links, roles and partner grants (mounted under /api/accounts)."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from accounts.domain.entity_links import LinkRuleBroken, NotPermitted
from accounts.handlers import keeping_refusals
from accounts.links import handlers
from accounts.links.claim_attempts import TooManyClaimAttempts
from accounts.links.handlers import Caller, EntityUnknown, LinkNotFound
from accounts.links.schemas import (
    MAX_BULK_CODES,
    AccessCodesIn,
    AdministeredUserIn,
    AdministeredUserOut,
    DecisionIn,
    IssuedCodesOut,
    LimitQuery,
    LinkOut,
    LinkRequestIn,
    LinksOut,
    PartnerGrantIn,
    PartnerGrantOut,
    PartnerGrantsOut,
    PartnerGrantsQuery,
    RoleChangeIn,
)
from accounts.models import EntityLink
from accounts.request_origin import client_address
from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, Forbidden, NotFound, TooManyRequests, register_problems

blueprint = Blueprint("links", __name__, description="Links between users and entities")


def too_many_claim_attempts(error: TooManyClaimAttempts) -> TooManyRequests:
    minutes = max(1, round(error.retry_after / 60))
    return TooManyRequests(
        f"Too many access codes were not valid; try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
        field="access_code",
        retry_after=error.retry_after,
    )


register_problems(
    blueprint,
    {
        NotPermitted: lambda error: Forbidden(str(error)),
        LinkRuleBroken: lambda error: Conflict(str(error), field=error.field),
        LinkNotFound: lambda _error: NotFound("No link or grant with this id exists."),
        EntityUnknown: lambda error: NotFound(f"No filing entity has ID {error}.", field="entity_id"),
        TooManyClaimAttempts: too_many_claim_attempts,
    },
)


def caller() -> Caller:
    """The signed-in caller and the client address the request came from."""
    return Caller(current_principal().user_id, client_address())


def link_id_of(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise NotFound("No link with this id is yours to see.") from None


@blueprint.route("/links", methods=["POST"])
@protected(blueprint, 404, 409, 429)
@blueprint.arguments(LinkRequestIn)
@blueprint.response(201, LinkOut)
def request_link(body: dict[str, Any]) -> EntityLink:
    """Ask to act for an entity in a role; with a valid access code, claim an unclaimed migrated entity at once.

    Failed codes are counted per person, entity and client address; too many lock claiming out a while (429).
    """
    evidence = {"access_code": body["access_code"]} if body.get("access_code") else None
    # A refused code is recorded (audit entry, failure count) though the request fails.
    with keeping_refusals(session_scope) as session:
        return handlers.request_link(session, caller(), body["entity_id"], body["role"], evidence)


@blueprint.route("/links", methods=["GET"])
@protected(blueprint)
@blueprint.response(200, LinksOut)
def my_links() -> dict[str, Any]:
    """The caller's links and requests, in every status."""
    with session_scope() as session:
        return {"items": handlers.links_of_user(session, current_principal().user_id)}


@blueprint.route("/links/pending", methods=["GET"])
@protected(blueprint)
@blueprint.arguments(LimitQuery, location="query")
@blueprint.response(200, LinksOut)
def pending(query: dict[str, Any]) -> dict[str, Any]:
    """Requests the caller may decide: all for staff, those of the entities they are officer of for others."""
    with session_scope() as session:
        return {"items": handlers.pending_requests(session, caller(), query["limit"])}


@blueprint.route("/links/<link_id>/approve", methods=["POST"])
@protected(blueprint, 403, 404, 409)
@blueprint.arguments(DecisionIn)
@blueprint.response(200, LinkOut)
def approve(body: dict[str, Any], link_id: str) -> EntityLink:
    """Approve a pending request (the entity's officers or staff)."""
    with session_scope() as session:
        return handlers.decide_link(session, caller(), link_id_of(link_id), True, body["reason"])


@blueprint.route("/links/<link_id>/deny", methods=["POST"])
@protected(blueprint, 403, 404, 409)
@blueprint.arguments(DecisionIn)
@blueprint.response(200, LinkOut)
def deny(body: dict[str, Any], link_id: str) -> EntityLink:
    """Deny a pending request (the entity's officers or staff)."""
    with session_scope() as session:
        return handlers.decide_link(session, caller(), link_id_of(link_id), False, body["reason"])


@blueprint.route("/links/<link_id>/revoke", methods=["POST"])
@protected(blueprint, 403, 404, 409)
@blueprint.response(200, LinkOut)
def revoke(link_id: str) -> EntityLink:
    """End a link or withdraw a request (the entity's officers, staff, or the linked user); the last officer stays."""
    with session_scope() as session:
        return handlers.revoke_link(session, caller(), link_id_of(link_id))


@blueprint.route("/links/<link_id>/role", methods=["PUT"])
@protected(blueprint, 403, 404, 409)
@blueprint.arguments(RoleChangeIn)
@blueprint.response(200, LinkOut)
def change_role(body: dict[str, Any], link_id: str) -> EntityLink:
    """Change an approved link's role (the entity's officers or staff); the last officer cannot be downgraded."""
    with session_scope() as session:
        return handlers.change_role(session, caller(), link_id_of(link_id), body["role"])


@blueprint.route("/entities/<entity_id>/links", methods=["GET"])
@protected(blueprint, 403)
@blueprint.response(200, LinksOut)
def entity_links(entity_id: str) -> dict[str, Any]:
    """Every link and request of an entity (its officers and staff)."""
    with session_scope() as session:
        return {"items": handlers.links_of_entity(session, caller(), entity_id)}


@blueprint.route("/admin/users", methods=["POST"])
@protected(blueprint, 403, 409)
@blueprint.arguments(AdministeredUserIn)
@blueprint.response(201, AdministeredUserOut)
def create_administered_user(body: dict[str, Any]) -> dict[str, Any]:
    """Create a staff, partner or administrator account (administrators only)."""
    with session_scope() as session:
        user = handlers.create_administered_user(
            session, caller(), body["username"], body["email"], body["password"], body["roles"]
        )
        return {"user_id": user.id, "username": user.username, "email": user.email, "roles": list(user.roles)}


@blueprint.route("/admin/access-codes", methods=["POST"])
@protected(blueprint, 403, 409)
@blueprint.arguments(AccessCodesIn)
@blueprint.response(201, IssuedCodesOut)
def issue_access_codes(body: dict[str, Any]) -> dict[str, Any]:
    """Issue access codes to migrated entities, mailed to their address of record (staff); codes are not shown."""
    with session_scope() as session:
        entity_ids = body.get("entity_ids") or handlers.unclaimed_legacy_entities(session, MAX_BULK_CODES)
        return {"items": handlers.issue_access_codes(session, caller(), entity_ids)}


@blueprint.route("/admin/partner-grants", methods=["POST"])
@protected(blueprint, 403, 409)
@blueprint.arguments(PartnerGrantIn)
@blueprint.response(201, PartnerGrantOut)
def grant_partner_access(body: dict[str, Any]) -> Any:
    """Give a partner read access to an entity from `starts_on` to `ends_on` (staff)."""
    with session_scope() as session:
        return handlers.grant_partner_access(
            session, caller(), body["partner_id"], body["entity_id"], body["starts_on"], body["ends_on"]
        )


@blueprint.route("/admin/partner-grants", methods=["GET"])
@protected(blueprint, 403)
@blueprint.arguments(PartnerGrantsQuery, location="query")
@blueprint.response(200, PartnerGrantsOut)
def partner_grants(query: dict[str, Any]) -> dict[str, Any]:
    """Partner grants, newest first (staff)."""
    with session_scope() as session:
        return {"items": handlers.partner_grants(session, caller(), query.get("partner_id"), query["limit"])}


@blueprint.route("/admin/partner-grants/<grant_id>/revoke", methods=["POST"])
@protected(blueprint, 403, 404)
@blueprint.response(200, PartnerGrantOut)
def revoke_partner_access(grant_id: str) -> Any:
    """End a partner grant now (staff)."""
    with session_scope() as session:
        return handlers.revoke_partner_access(session, caller(), link_id_of(grant_id))
