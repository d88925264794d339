"""Who may do what in the filings gateway, decided in one place from the access token's claims."""

from __future__ import annotations

from typing import Any

from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden
from filings.domain.entities import may_file


def role_on(claims: dict[str, Any], entity_id: str) -> str | None:
    """The role the `entities` claim gives on `entity_id`, if any."""
    for link in claims.get("entities") or ():
        if isinstance(link, dict) and link.get("entity_id") == entity_id:
            return link.get("role")
    return None


def require_verified_account(principal: Principal) -> None:
    """Nothing is filed from an account whose e-mail address is not verified."""
    # Only tokens that state the claim are judged by it: tokens minted before accounts added it carry none.
    if principal.claims.get("email_verified", True) is not True:
        raise Forbidden("Verify your e-mail address before filing.")


def require_may_register(principal: Principal) -> None:
    """Registering an entity (its first filing) needs a verified e-mail address."""
    require_verified_account(principal)


def require_may_file(principal: Principal, entity_id: str, projected_role: str | None) -> None:
    """Filing for an entity needs the officer or agent role on it, a verified e-mail address and MFA."""
    role = role_on(principal.claims, entity_id)
    if role is None:
        # A link approved after this token was issued is not in its claims yet; the projection of
        # accounts' link events stands in until the next sign-in.
        role = projected_role
    if not may_file(role):
        raise Forbidden(f"You are not an officer or agent of entity {entity_id}.")
    require_verified_account(principal)
    if principal.claims.get("mfa", True) is not True:
        raise Forbidden("Sign in with your second factor (MFA) to file for an entity.")
