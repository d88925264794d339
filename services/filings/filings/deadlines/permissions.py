"""Who may run the late-filing check: staff, signed in with their second factor."""

from __future__ import annotations

from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden

STAFF_ROLE = "staff"


def require_staff(principal: Principal) -> None:
    """Running the check publishes late filings that lead to fines: staff only."""
    if STAFF_ROLE not in principal.roles:
        raise Forbidden("Only staff may run the late-filing check.")
    # Only tokens that state the claim are judged by it, as for filing.
    if principal.claims.get("mfa", True) is not True:
        raise Forbidden("Sign in with your second factor (MFA) to run the late-filing check.")
