"""Who may do what in the filings gateway, decided in one place from the access token's claims.

People file in production for the entities their `entities` claim makes them officer or agent of, with a
verified e-mail address and a second factor used at sign-in. Vendor software files with a token of its
scope: sandbox tokens only in the sandbox; production tokens only while the vendor is certified and only
for the entities that authorised it. Staff read everything.

Anyone reads a production filing in its public view. Its full view, private fields included, is read by the
entity's officers, agents and viewers, partners whose grant for the entity is still running, staff, and the
vendor software that submitted it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden
from filings.domain.entities import FILING_ROLES, READING_ROLES
from filings.domain.intake import Space

STAFF_ROLE = "staff"
VENDOR_ROLE = "vendor"
PARTNER_ROLE = "partner"


def _entity_ids(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str))


def _linked_entities(claims: dict[str, Any], roles: frozenset[str]) -> frozenset[str]:
    links = claims.get("entities")
    if not isinstance(links, list):
        return frozenset()
    return frozenset(
        link["entity_id"]
        for link in links
        if isinstance(link, dict) and isinstance(link.get("entity_id"), str) and link.get("role") in roles
    )


def filing_entities(claims: dict[str, Any]) -> frozenset[str]:
    """Entities the `entities` claim makes the caller an officer or agent of (malformed entries ignored)."""
    return _linked_entities(claims, FILING_ROLES)


def reading_entities(claims: dict[str, Any]) -> frozenset[str]:
    """Entities the `entities` claim links the caller to in any role: officer, agent or viewer."""
    return _linked_entities(claims, READING_ROLES)


def partner_grants(claims: dict[str, Any]) -> frozenset[tuple[str, float]]:
    """The `partner_grants` claim as (entity, until) pairs, `until` in epoch seconds (malformed entries ignored)."""
    grants = claims.get("partner_grants")
    if not isinstance(grants, list):
        return frozenset()
    return frozenset(
        (grant["entity_id"], float(grant["until"]))
        for grant in grants
        if isinstance(grant, dict)
        and isinstance(grant.get("entity_id"), str)
        and isinstance(grant.get("until"), int | float)
        and not isinstance(grant.get("until"), bool)
    )


@dataclass(frozen=True)
class Caller:
    """The caller as its verified token describes it."""

    subject: str
    is_staff: bool
    vendor_id: str | None
    vendor_scope: str | None
    filing_entities: frozenset[str]
    authorised_entities: frozenset[str]
    email_verified: bool
    mfa: bool
    reading_entities: frozenset[str] = frozenset()
    """Entities the caller is linked to in any role (officer, agent or viewer)."""
    partner_grants: frozenset[tuple[str, float]] = frozenset()
    """Entities a partner grant lets the caller read, each until an instant (epoch seconds)."""

    @classmethod
    def of(cls, principal: Principal) -> Caller:
        claims = principal.claims
        vendor_id = claims.get("vendor_id") if VENDOR_ROLE in principal.roles else None
        is_vendor = isinstance(vendor_id, str) and bool(vendor_id)
        is_partner = PARTNER_ROLE in principal.roles and not is_vendor
        return cls(
            subject=principal.user_id,
            is_staff=STAFF_ROLE in principal.roles,
            vendor_id=vendor_id if is_vendor else None,
            vendor_scope=claims.get("scope") if is_vendor and isinstance(claims.get("scope"), str) else None,
            filing_entities=filing_entities(claims),
            authorised_entities=_entity_ids(claims.get("authorised_entities")) if is_vendor else frozenset(),
            # Strict: a token that does not state these is treated as one that denies them.
            email_verified=claims.get("email_verified") is True,
            mfa=claims.get("mfa") is True,
            # A vendor token's links are the authorisations to file; they give no right to read (see may_read_full).
            reading_entities=reading_entities(claims) if not is_vendor else frozenset(),
            partner_grants=partner_grants(claims) if is_partner else frozenset(),
        )

    @property
    def is_vendor(self) -> bool:
        """True for vendor software signed in with its client credentials, not a person."""
        return self.vendor_id is not None

    @property
    def space(self) -> Space:
        """Where this caller's submissions go: the sandbox for a sandbox vendor token, production otherwise."""
        if self.is_vendor and self.vendor_scope == Space.SANDBOX:
            return Space.SANDBOX
        return Space.PRODUCTION


def require_may_submit(caller: Caller, entity_id: str | None, *, vendor_certified: bool) -> None:
    """May the caller submit a filing for `entity_id` (None: a registration creating a new entity)?

    `vendor_certified` is the vendor's standing as accounts last published it (vendor_certified and
    vendor_decertified events), which takes effect at once, whatever tokens the vendor still holds.
    """
    if caller.is_vendor:
        _require_vendor_may_submit(caller, entity_id, vendor_certified=vendor_certified)
        return
    if not caller.email_verified:
        raise Forbidden("Verify your e-mail address before filing.")
    if not caller.mfa:
        raise Forbidden("Sign in with your second factor (MFA) to file.")
    if entity_id is not None and entity_id not in caller.filing_entities:
        raise Forbidden(f"You are not an officer or agent of entity {entity_id}.", field="entity_id")


def _require_vendor_may_submit(caller: Caller, entity_id: str | None, *, vendor_certified: bool) -> None:
    if caller.vendor_scope == Space.SANDBOX:
        # Sandbox entities are the vendor's own: the handler finds only those.
        return
    if caller.vendor_scope != Space.PRODUCTION:
        raise Forbidden("This vendor token has no filing scope (sandbox or production).")
    if not vendor_certified:
        raise Forbidden("Your software is not certified for production filing; file in the sandbox.")
    if entity_id is None:
        raise Forbidden(
            "Vendor software registers new entities only in the sandbox; in production a person registers them.",
            field="entity_id",
        )
    if entity_id not in caller.authorised_entities:
        raise Forbidden(f"Entity {entity_id} has not authorised your software to file for it.", field="entity_id")


def may_read_submission(caller: Caller, submitted_by: str) -> bool:
    """A submission's status is read by whoever submitted it, and by staff."""
    return caller.is_staff or caller.subject == submitted_by


def may_read_full(
    caller: Caller, *, entity_id: str, space: str, vendor_id: str | None, now: float | None = None
) -> bool:
    """May the caller read a filing of `entity_id` in `space`, submitted by `vendor_id`, with its private fields?

    Staff always; vendor software only the filings it submitted, with a token of the filing's space (an
    authorisation lets it file for an entity, not read what others filed); in production, the entity's
    officers, agents and viewers, and partners whose grant for the entity runs at `now`.
    """
    if caller.is_staff:
        return True
    if caller.is_vendor:
        return vendor_id is not None and vendor_id == caller.vendor_id and space == caller.vendor_scope
    if space != Space.PRODUCTION:
        return False
    if entity_id in caller.reading_entities:
        return True
    moment = time.time() if now is None else now
    return any(granted == entity_id and moment < until for granted, until in caller.partner_grants)
