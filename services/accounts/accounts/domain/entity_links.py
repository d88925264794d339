"""Rules of the links between users and entities, account roles, entity access codes and partner grants."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime, time, timedelta

OFFICER, AGENT, VIEWER = "officer", "agent", "viewer"
ROLES_ON_ENTITY = (OFFICER, AGENT, VIEWER)

FILER, STAFF, PARTNER, VENDOR, ADMINISTRATOR = "filer", "staff", "partner", "vendor", "administrator"
ACCOUNT_ROLES = (FILER, STAFF, PARTNER, VENDOR, ADMINISTRATOR)
# Sign-up only ever gives `filer`; these come from an administrator.
ADMINISTERED_ROLES = (STAFF, PARTNER, ADMINISTRATOR)
STAFF_ROLES = frozenset({STAFF, ADMINISTRATOR})

PENDING, APPROVED, DENIED, REVOKED = "pending", "approved", "denied", "revoked"
OPEN_STATUSES = frozenset({PENDING, APPROVED})

NEW_ORIGIN, LEGACY_ORIGIN = "new", "legacy"

ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on paper
ACCESS_CODE_GROUPS, ACCESS_CODE_GROUP_LENGTH = 4, 4
ACCESS_CODE_VALID_DAYS = 90
MAX_GRANT_DAYS = 3 * 366


class LinkRuleBroken(Exception):
    """A request breaks a rule of entity links; `field` names the input at fault, if one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotPermitted(Exception):
    """The caller may not do this (not staff, not an officer of the entity, not an administrator)."""


def is_staff(roles: object) -> bool:
    return bool(STAFF_ROLES.intersection(roles or ()))


def may_manage_links(account_roles: object, role_on_entity: str | None) -> bool:
    """Staff and the entity's approved officers approve, deny, revoke and change links."""
    return is_staff(account_roles) or role_on_entity == OFFICER


def check_may_request(existing_status: str | None) -> None:
    """One open link per user and entity: a pending request or an approved link blocks another."""
    if existing_status == PENDING:
        raise LinkRuleBroken("You already asked to link to this entity; wait for the decision.", "entity_id")
    if existing_status == APPROVED:
        raise LinkRuleBroken("You are already linked to this entity.", "entity_id")


def check_officers_remain(current_role: str, new_role: str | None, approved_officers: int) -> None:
    """The last officer of an entity cannot be removed (`new_role` None) or given a lesser role."""
    if current_role == OFFICER and new_role != OFFICER and approved_officers <= 1:
        raise LinkRuleBroken("An entity keeps at least one officer; link another officer first.", "role")


def may_claim_at_once(origin: str | None, approved_links: int) -> bool:
    """Only the first link to an entity migrated from the legacy system can be claimed by proof of control."""
    return origin == LEGACY_ORIGIN and approved_links == 0


def new_access_code() -> str:
    """A random code of 80 bits, in groups a person can type from a letter."""
    characters = "".join(
        secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_GROUPS * ACCESS_CODE_GROUP_LENGTH)
    )
    groups = [characters[i : i + ACCESS_CODE_GROUP_LENGTH] for i in range(0, len(characters), ACCESS_CODE_GROUP_LENGTH)]
    return "-".join(groups)


def normalised_code(code: str) -> str:
    """The code as issued, whatever the case, spaces or dashes the person typed."""
    return "".join(character for character in code.upper() if character.isalnum())


def access_code_digest(code: str) -> str:
    """What is stored: a SHA-256 of the normalised code (80 random bits need no slow hash)."""
    return hashlib.sha256(normalised_code(code).encode()).hexdigest()


def access_code_matches(code: str, digest: str) -> bool:
    return hmac.compare_digest(access_code_digest(code), digest)


def access_code_expiry(issued_on: date) -> date:
    return issued_on + timedelta(days=ACCESS_CODE_VALID_DAYS)


def check_grant_period(starts_on: date, ends_on: date) -> None:
    """A partner grant runs from its first to its last day, for at most about three years."""
    if ends_on < starts_on:
        raise LinkRuleBroken("The grant cannot end before it starts.", "ends_on")
    if (ends_on - starts_on).days > MAX_GRANT_DAYS:
        raise LinkRuleBroken("A grant lasts at most three years; issue a new one after.", "ends_on")


def grant_active(starts_on: date, ends_on: date, revoked: bool, today: date) -> bool:
    return not revoked and starts_on <= today <= ends_on


def grant_until(ends_on: date) -> int:
    """The instant (epoch seconds, UTC) a grant stops working: the end of its last day."""
    return int(datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=UTC).timestamp())
