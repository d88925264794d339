"""Who calls a vendor route, as the verified access token says: staff, a vendor's own token, an entity officer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cars_shared.web.auth import Principal

STAFF = "staff"
VENDOR = "vendor"
OFFICER = "officer"


def officer_entities(claims: dict[str, Any]) -> frozenset[str]:
    """Entity ids the `entities` claim lists with the officer role; malformed entries are ignored."""
    entries = claims.get("entities")
    if not isinstance(entries, list):
        return frozenset()
    return frozenset(
        entry["entity_id"]
        for entry in entries
        if isinstance(entry, dict) and entry.get("role") == OFFICER and isinstance(entry.get("entity_id"), str)
    )


@dataclass(frozen=True)
class Caller:
    """The caller's identity and the rights its token carries."""

    user_id: str
    is_staff: bool
    vendor_id: str | None
    officer_of: frozenset[str]

    @classmethod
    def of(cls, principal: Principal) -> Caller:
        vendor_id = principal.claims.get("vendor_id") if VENDOR in principal.roles else None
        return cls(
            user_id=principal.user_id,
            is_staff=STAFF in principal.roles,
            vendor_id=vendor_id if isinstance(vendor_id, str) else None,
            officer_of=officer_entities(principal.claims),
        )

    @property
    def is_vendor_client(self) -> bool:
        """True for a vendor's software signed in with client credentials, not a person."""
        return self.vendor_id is not None

    def is_officer_of(self, entity_id: str) -> bool:
        return entity_id in self.officer_of
