"""Who may use the vendor routes: a vendor's own software, or staff; read from the claims as `filings.permissions`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from cars_shared.web.auth import Principal, current_principal
from cars_shared.web.problems import Forbidden
from filings.permissions import Caller

View = TypeVar("View", bound=Callable[..., Any])


def vendor_id_of(principal: Principal) -> str:
    """The vendor whose software holds this token; only vendor tokens (client credentials) carry one."""
    caller = Caller.of(principal)
    if caller.vendor_id is None:
        raise Forbidden("Only a vendor's software, signed in with its API key, may do this.")
    return caller.vendor_id


def require_staff(principal: Principal) -> None:
    """Staff, signed in with their second factor, see every vendor's certification."""
    caller = Caller.of(principal)
    if not caller.is_staff or caller.is_vendor:
        raise Forbidden("Only staff may see another vendor's certification.")
    if not caller.mfa:
        raise Forbidden("Sign in with your second factor (MFA) to act as staff.")


def vendor_only(view: View) -> View:
    """Refuse anyone but a vendor's software before the request body is read."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        vendor_id_of(current_principal())
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def staff_only(view: View) -> View:
    """Refuse anyone but staff before the request is read further."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_staff(current_principal())
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
