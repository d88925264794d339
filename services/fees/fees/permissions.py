"""Who may call the fees gateway, decided in one place from the access token's claims.

The fee schedule is public. An entity's statement of account is read by staff and by the people the
token's `entities` claim links to that entity (officer, agent or viewer); nobody else learns anything about
it. Everything else (waivers, adjustments, reversals, notices, receivables, the staff log) is staff only,
signed in with their second factor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from cars_shared.web.auth import Principal, current_principal
from cars_shared.web.problems import Forbidden

PUBLIC = "public"
STAFF_ROLE = "staff"


def public_read(view: Callable) -> Callable:
    """Mark a route as a public read: no token is needed or checked (`view.access` says so)."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def is_staff(principal: Principal) -> bool:
    """Whether the token carries the staff role (MFA is judged by `require_staff`)."""
    return STAFF_ROLE in principal.roles


def linked_entities(claims: dict[str, Any]) -> frozenset[str]:
    """Entities the `entities` claim links the caller to, in any role (malformed entries ignored)."""
    links = claims.get("entities")
    if not isinstance(links, list):
        return frozenset()
    return frozenset(
        link["entity_id"] for link in links if isinstance(link, dict) and isinstance(link.get("entity_id"), str)
    )


def require_staff(principal: Principal) -> None:
    """Money and other entities' accounts are for staff of the Political Reform Division only."""
    if not is_staff(principal):
        raise Forbidden("Only staff of the Political Reform Division may do this.")
    # Only tokens that state the claim are judged by it, as in the other gateways.
    if principal.claims.get("mfa", True) is not True:
        raise Forbidden("Sign in with your second factor (MFA) to work on accounts.")


def require_may_read_account(principal: Principal, entity_id: str) -> None:
    """Staff read every account; a filer reads those of the entities they are linked to."""
    if is_staff(principal):
        require_staff(principal)
        return
    if entity_id not in linked_entities(principal.claims):
        raise Forbidden(f"You are not linked to entity {entity_id}.")


def staff_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse anyone but staff before the request is even read (below `protected`)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_staff(current_principal())
        return view(*args, **kwargs)

    return wrapper
