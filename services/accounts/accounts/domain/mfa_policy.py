"""Who must use a second factor: staff and anyone who can act for an entity."""

from __future__ import annotations

from collections.abc import Iterable

ROLES_REQUIRING_MFA = frozenset({"staff", "administrator"})
ENTITY_ROLES_REQUIRING_MFA = frozenset({"officer", "agent"})


def mfa_required(roles: Iterable[str], entity_roles: Iterable[str]) -> bool:
    return bool(ROLES_REQUIRING_MFA & set(roles)) or bool(ENTITY_ROLES_REQUIRING_MFA & set(entity_roles))


def authentication_methods(*, second_factor: str | None) -> list[str]:
    """The `amr` claim (RFC 8176): password, plus 'otp' or a recovery code, and 'mfa' when two were used."""
    if second_factor is None:
        return ["pwd"]
    return ["pwd", second_factor, "mfa"]


def used_mfa(amr: Iterable[str]) -> bool:
    return "mfa" in amr
