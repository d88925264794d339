"""Who may read which correspondence, decided in one place from the access token's claims."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Collection
from typing import Any

from cars_shared.web.auth import Principal, current_principal
from cars_shared.web.problems import Forbidden
from correspondence.domain.access import STAFF_ROLE, Reader


def linked_entity_ids(claims: dict[str, Any]) -> set[str]:
    """Entities the `entities` claim links the caller to, in any role (officer, agent, viewer)."""
    return {
        str(link["entity_id"])
        for link in claims.get("entities") or ()
        if isinstance(link, dict) and link.get("entity_id")
    }


def partner_entity_ids(claims: dict[str, Any], now: float) -> set[str]:
    """Entities a partner grant lets the caller read at `now`; an expired grant gives nothing."""
    readable = set()
    for grant in claims.get("partner_grants") or ():
        if isinstance(grant, dict) and grant.get("entity_id") and isinstance(grant.get("until"), int | float):
            if now < grant["until"]:
                readable.add(str(grant["entity_id"]))
    return readable


def reader_of(principal: Principal, projected_entity_ids: Collection[str], now: float | None = None) -> Reader:
    """The caller as a reader: staff read all; others what is addressed to them or to an entity they may read.

    `projected_entity_ids` (from accounts' link events) stands in for links approved after the token was issued.
    """
    moment = time.time() if now is None else now
    entity_ids = linked_entity_ids(principal.claims) | partner_entity_ids(principal.claims, moment)
    return Reader(
        user_id=principal.user_id,
        roles=principal.roles,
        entity_ids=frozenset(entity_ids | set(projected_entity_ids)),
    )


def require_staff_with_mfa(principal: Principal, doing: str) -> None:
    """Refuse anyone but staff of the Division signed in with their second factor; `doing` ends the message."""
    if STAFF_ROLE not in principal.roles:
        raise Forbidden(f"Only staff of the Political Reform Division {doing}.")
    # Only tokens that state the claim are judged by it: tokens minted before accounts added it carry none.
    if principal.claims.get("mfa", True) is not True:
        raise Forbidden(f"Sign in with your second factor (MFA) to {doing}.")


def require_print_queue_clerk(principal: Principal) -> None:
    """The print queue of access code letters is worked by staff only, signed in with their second factor."""
    require_staff_with_mfa(principal, "work the print queue")


def print_queue_clerks_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse anyone but a print queue clerk before the request is even read (below `protected`)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_print_queue_clerk(current_principal())
        return view(*args, **kwargs)

    return wrapper


def correspondence_staff_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Issuing letters and reading the staff action log: staff with MFA, checked before the request is read."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_staff_with_mfa(current_principal(), "issue letters and read the staff action log")
        return view(*args, **kwargs)

    return wrapper
