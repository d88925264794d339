"""Whose notices a caller may see in the notify gateway, decided in one place from the access token."""

from __future__ import annotations

from cars_shared.web.auth import Principal


def notice_owner(principal: Principal) -> str:
    """Everyone reads and marks only their own notices, staff included: notices are personal."""
    return principal.user_id
