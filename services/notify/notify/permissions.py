"""Who may do what in the notify gateway, decided in one place from the access token."""

from __future__ import annotations

from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden

STAFF_ROLE = "staff"


def notice_owner(principal: Principal) -> str:
    """Everyone reads and marks only their own notices, staff included: notices are personal."""
    return principal.user_id


def preference_owner(principal: Principal) -> str:
    """Everyone sets only their own preferences."""
    return principal.user_id


def require_staff(principal: Principal) -> None:
    """Failed deliveries name people's addresses: staff of the Political Reform Division only, with MFA."""
    if STAFF_ROLE not in principal.roles:
        raise Forbidden("Only staff of the Political Reform Division may do this.")
    # Only tokens that state the claim are judged by it, as in the other gateways.
    if principal.claims.get("mfa", True) is not True:
        raise Forbidden("Sign in with your second factor (MFA) to see failed deliveries.")
