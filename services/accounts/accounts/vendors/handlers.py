"""Vendor use cases: load, apply the credential rules, save, and queue events, in one transaction."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts import client_credentials
from accounts.audit.log import SUCCESS, record
from accounts.audit.models import AuditEntry
from accounts.client_credentials import IssuedCredential, TokenSigner
from accounts.domain import vendor_credentials as rules
from accounts.vendors.callers import Caller
from accounts.vendors.exceptions import (
    AlreadyAuthorised,
    AuthorisationNotFound,
    CredentialNotFound,
    KeyLocked,
    NotPermitted,
    TooManyCredentials,
    VendorNotFound,
    WrongVendorSecret,
)
from accounts.vendors.models import (
    ACTIVE,
    REVOKED,
    Vendor,
    VendorAuthorisation,
    VendorCredential,
    VendorKeyFailures,
    VendorManager,
)
from cars_shared import outbox
from cars_shared.events import make_event

MAX_ACTIVE_CREDENTIALS = 10
# Production rights end with certification; short tokens bound how long an issued one outlives it.
VENDOR_TOKEN_TTL_SECONDS = 300
VENDOR_SUBJECT_PREFIX = "vendor:"
AGENT = "agent"
# The audit action recording filings' report that a vendor passed the certification scenarios.
SCENARIOS_PASSED = "vendor.scenarios_passed"

KEY_ID_PATTERN = re.compile(rf"^{rules.KEY_ID_PREFIX}[0-9a-f]{{20}}$")
ENTITY_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,40}$")


@dataclass(frozen=True)
class NamedAuthorisation:
    """An authorisation with the name of its vendor, as both sides list it."""

    authorisation: VendorAuthorisation
    vendor_name: str


@dataclass(frozen=True)
class VendorToken:
    access_token: str
    expires_in: int
    scope: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret


def now_utc() -> datetime:
    return datetime.now(UTC)


def vendor_by_id(session: Session, vendor_id: str) -> Vendor:
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        raise VendorNotFound(vendor_id)
    return vendor


def manages(session: Session, vendor_id: str, user_id: str) -> bool:
    found = session.scalar(
        select(VendorManager.id).where(VendorManager.vendor_id == vendor_id, VendorManager.user_id == user_id)
    )
    return found is not None


def managed_vendor(session: Session, caller: Caller, vendor_id: str) -> Vendor:
    """The vendor, when the caller is one of its managers (not its software, not staff)."""
    vendor = vendor_by_id(session, vendor_id)
    if caller.is_vendor_client or not manages(session, vendor.id, caller.user_id):
        raise NotPermitted("Only a manager of this vendor may do this.", "vendor_id")
    return vendor


def visible_vendor(session: Session, caller: Caller, vendor_id: str) -> Vendor:
    """The vendor, when the caller is staff, one of its managers, or its own software."""
    vendor = vendor_by_id(session, vendor_id)
    if caller.is_staff or caller.vendor_id == vendor.id:
        return vendor
    if not caller.is_vendor_client and manages(session, vendor.id, caller.user_id):
        return vendor
    raise NotPermitted("Only staff, the vendor's managers and its own software may see this vendor.", "vendor_id")


def new_credential(session: Session, vendor: Vendor, now: datetime) -> IssuedCredential[VendorCredential]:
    return client_credentials.new_credential(
        session, VendorCredential, key_id=rules.new_key_id(), secret=rules.new_secret(), now=now, vendor_id=vendor.id
    )


def register_vendor(
    session: Session, caller: Caller, name: str, contact_email: str
) -> tuple[Vendor, IssuedCredential[VendorCredential]]:
    """A new vendor organisation managed by the caller, with its first (sandbox-only) API key."""
    if caller.is_vendor_client:
        raise NotPermitted("A vendor's software cannot register vendors; sign in as a person.", "name")
    now = now_utc()
    vendor = Vendor(
        id=str(uuid.uuid4()),
        name=name,
        contact_email=contact_email,
        certified=False,
        created_by=caller.user_id,
        created_at=now,
    )
    session.add(vendor)
    session.add(VendorManager(id=str(uuid.uuid4()), vendor_id=vendor.id, user_id=caller.user_id, created_at=now))
    session.flush()
    return vendor, new_credential(session, vendor, now)


def vendors_for(session: Session, caller: Caller) -> list[Vendor]:
    """Every vendor for staff; the caller's own for anyone else."""
    query = select(Vendor).order_by(Vendor.created_at, Vendor.id)
    if caller.is_vendor_client:
        query = query.where(Vendor.id == caller.vendor_id)
    elif not caller.is_staff:
        query = query.join(VendorManager, VendorManager.vendor_id == Vendor.id).where(
            VendorManager.user_id == caller.user_id
        )
    return list(session.scalars(query))


def issue_credential(session: Session, caller: Caller, vendor_id: str) -> IssuedCredential[VendorCredential]:
    """One more API key for the vendor, up to MAX_ACTIVE_CREDENTIALS active at a time."""
    vendor = managed_vendor(session, caller, vendor_id)
    if client_credentials.active_count(session, VendorCredential.vendor_id, vendor.id) >= MAX_ACTIVE_CREDENTIALS:
        raise TooManyCredentials(vendor.id)
    return new_credential(session, vendor, now_utc())


def credentials_of(session: Session, caller: Caller, vendor_id: str) -> list[VendorCredential]:
    vendor = visible_vendor(session, caller, vendor_id)
    return list(
        session.scalars(
            select(VendorCredential)
            .where(VendorCredential.vendor_id == vendor.id)
            .order_by(VendorCredential.created_at, VendorCredential.key_id)
        )
    )


def credential_of(session: Session, vendor: Vendor, key_id: str) -> VendorCredential:
    if not KEY_ID_PATTERN.match(key_id):
        raise CredentialNotFound(key_id)
    credential = session.scalar(
        select(VendorCredential).where(VendorCredential.vendor_id == vendor.id, VendorCredential.key_id == key_id)
    )
    if credential is None:
        raise CredentialNotFound(key_id)
    return credential


def rotate_credential(
    session: Session, caller: Caller, vendor_id: str, key_id: str, *, immediately: bool
) -> IssuedCredential[VendorCredential]:
    """A new secret for the key id; the old one works for the rotation overlap, or stops at once."""
    vendor = managed_vendor(session, caller, vendor_id)
    credential = credential_of(session, vendor, key_id)
    if credential.status != ACTIVE:
        raise CredentialNotFound(key_id)
    return client_credentials.rotate_secret(credential, rules.new_secret(), now_utc(), immediately=immediately)


def revoke_credential(session: Session, caller: Caller, vendor_id: str, key_id: str) -> None:
    """Stop the key and every secret of it at once; revoking twice is harmless."""
    vendor = managed_vendor(session, caller, vendor_id)
    credential = credential_of(session, vendor, key_id)
    if credential.status == REVOKED:
        return
    client_credentials.revoke(credential, now_utc())


def set_certification(
    session: Session, caller: Caller, vendor_id: str, *, certified: bool, reason: str | None, client: str | None
) -> Vendor:
    """Staff certify a vendor whose scenarios passed, or de-certify any; audit it; queue vendor_(de)certified."""
    if not caller.is_staff or caller.is_vendor_client:
        raise NotPermitted("Only staff may certify or de-certify vendors.", "certified")
    rules.check_certification_change(certified=certified, reason=reason)
    vendor = vendor_by_id(session, vendor_id)
    if certified:
        rules.check_scenarios_passed(vendor.scenarios_passed_at)
    changed = vendor.certified != certified
    if changed:
        now = now_utc()
        vendor.certified = certified
        vendor.certified_at = now if certified else None
        # The vendor's managers are named so correspondence can write to them.
        managers = manager_ids_of(session, vendor.id)
        if certified:
            payload = {
                "vendor_id": vendor.id,
                "name": vendor.name,
                "certified_by": caller.user_id,
                "certified_at": now,
                "manager_ids": managers,
                "scenarios_passed_at": vendor.scenarios_passed_at,
                "scenarios": scenarios_passed_by(session, vendor),
            }
            outbox.add(session, make_event("accounts", "vendor_certified", payload))
        else:
            payload = {
                "vendor_id": vendor.id,
                "decertified_by": caller.user_id,
                "reason": reason or "",
                "name": vendor.name,
                "decertified_at": now,
                "manager_ids": managers,
            }
            outbox.add(session, make_event("accounts", "vendor_decertified", payload))
    record(
        session,
        actor_id=caller.user_id,
        action="vendor.certify" if certified else "vendor.decertify",
        target=f"vendor:{vendor.id}",
        outcome=SUCCESS,
        client=client,
        detail={"changed": changed, "reason": reason},
    )
    return vendor


def manager_ids_of(session: Session, vendor_id: str) -> list[str]:
    """The users who manage the vendor, its creator first."""
    return list(
        session.scalars(
            select(VendorManager.user_id)
            .where(VendorManager.vendor_id == vendor_id)
            .order_by(VendorManager.created_at, VendorManager.user_id)
        )
    )


def scenarios_passed_by(session: Session, vendor: Vendor) -> list[str]:
    """The scenarios of the pass that stands (the report audited with the vendor's `scenarios_passed_at`)."""
    if vendor.scenarios_passed_at is None:
        return []
    reports = session.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.target == f"vendor:{vendor.id}", AuditEntry.action == SCENARIOS_PASSED)
        .order_by(AuditEntry.sequence.desc())
    )
    for detail in reports:
        if detail and datetime.fromisoformat(detail["passed_at"]) == vendor.scenarios_passed_at:
            return list(detail.get("scenarios", []))
    return []


def record_scenarios_passed(session: Session, event: dict[str, Any]) -> Vendor:
    """Project filings.vendor_scenarios_passed: the vendor may now be certified; audited once per report."""
    payload = event["payload"]
    vendor = session.get(Vendor, payload["vendor_id"], with_for_update=True)
    if vendor is None:
        # Filings knows vendors only from their tokens, so an unknown id is a fault to park, not to drop.
        raise VendorNotFound(payload["vendor_id"])
    passed_at = payload["passed_at"]
    # Reports may arrive out of order; the latest pass is the one that stands.
    if vendor.scenarios_passed_at is None or passed_at > vendor.scenarios_passed_at:
        vendor.scenarios_passed_at = passed_at
    record(
        session,
        actor_id=None,
        action=SCENARIOS_PASSED,
        target=f"vendor:{vendor.id}",
        outcome=SUCCESS,
        client=None,
        detail={"passed_at": passed_at.isoformat(), "scenarios": list(payload["scenarios"])},
    )
    return vendor


def failure_count(row: VendorKeyFailures | None) -> rules.FailureCount:
    if row is None:
        return rules.FailureCount()
    return rules.FailureCount(row.failures, row.window_started_at, row.locked_until)


def authorised_entity_ids(session: Session, vendor_id: str) -> list[str]:
    return list(
        session.scalars(
            select(VendorAuthorisation.entity_id)
            .where(VendorAuthorisation.vendor_id == vendor_id, VendorAuthorisation.status == ACTIVE)
            .order_by(VendorAuthorisation.entity_id)
        )
    )


def vendor_token_claims(vendor: Vendor, scope: str, entity_ids: list[str]) -> dict[str, Any]:
    """Who the vendor is, its scope and the entities that authorised it; production lets it act as their agent."""
    entities = (
        [{"entity_id": entity_id, "role": AGENT} for entity_id in entity_ids] if scope == rules.PRODUCTION else []
    )
    return {"vendor_id": vendor.id, "scope": scope, "authorised_entities": entity_ids, "entities": entities}


def issue_vendor_token(
    session: Session, signing_key: TokenSigner, key_id: str, secret: str, scope: str, now: datetime | None = None
) -> VendorToken:
    """Client credentials exchanged for a short-lived access token of the requested scope."""
    now = now or now_utc()
    failures = failure_count(session.get(VendorKeyFailures, key_id))
    if failures.locked(now):
        raise KeyLocked(failures.retry_after_seconds(now))
    credential = session.scalar(select(VendorCredential).where(VendorCredential.key_id == key_id))
    if credential is None:
        client_credentials.spend_one_hash(secret)
        raise WrongVendorSecret(key_id)
    if credential.status != ACTIVE or not client_credentials.accepts_secret(credential, secret, now):
        raise WrongVendorSecret(key_id)
    vendor = vendor_by_id(session, credential.vendor_id)
    rules.check_scope(scope, certified=vendor.certified)
    if failures.failures:
        session.execute(VendorKeyFailures.__table__.delete().where(VendorKeyFailures.key_id == key_id))
    ttl = client_credentials.token_ttl(VENDOR_TOKEN_TTL_SECONDS)
    claims = vendor_token_claims(vendor, scope, authorised_entity_ids(session, vendor.id))
    # Extra claims override the standard ones: vendor tokens expire sooner than people's.
    claims["exp"] = int(time.time()) + ttl
    token = signing_key.issue(
        user_id=VENDOR_SUBJECT_PREFIX + vendor.id, username=vendor.name, roles=["vendor"], extra_claims=claims
    )
    return VendorToken(access_token=token.access_token, expires_in=ttl, scope=scope)


def record_secret_failure(session: Session, key_id: str, now: datetime | None = None) -> None:
    """Count a failed secret check against a known key id (unknown ids are not stored)."""
    now = now or now_utc()
    if session.scalar(select(VendorCredential.id).where(VendorCredential.key_id == key_id)) is None:
        return
    row = session.scalar(select(VendorKeyFailures).where(VendorKeyFailures.key_id == key_id).with_for_update())
    after = failure_count(row).after_failure(now)
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    VendorKeyFailures(
                        key_id=key_id,
                        failures=after.failures,
                        window_started_at=after.window_started_at,
                        locked_until=after.locked_until,
                    )
                )
        except IntegrityError:
            # A concurrent failure created the row first; counting one of the two is enough.
            return
        return
    row.failures, row.window_started_at, row.locked_until = after.failures, after.window_started_at, after.locked_until


def authorise_vendor(session: Session, caller: Caller, entity_id: str, vendor_id: str) -> NamedAuthorisation:
    """An officer of the entity lets the vendor file for it; queue vendor_authorised."""
    if not (caller.is_officer_of(entity_id) and ENTITY_ID_PATTERN.match(entity_id)):
        raise NotPermitted("Only an officer of this entity may authorise vendors for it.", "entity_id")
    vendor = vendor_by_id(session, vendor_id)
    authorisation = session.scalar(
        select(VendorAuthorisation).where(
            VendorAuthorisation.vendor_id == vendor.id, VendorAuthorisation.entity_id == entity_id
        )
    )
    now = now_utc()
    if authorisation is None:
        authorisation = VendorAuthorisation(id=str(uuid.uuid4()), vendor_id=vendor.id, entity_id=entity_id)
        session.add(authorisation)
    elif authorisation.status == ACTIVE:
        raise AlreadyAuthorised(vendor.id)
    authorisation.status = ACTIVE
    authorisation.authorised_by = caller.user_id
    authorisation.authorised_at = now
    authorisation.revoked_by = None
    authorisation.revoked_at = None
    session.flush()
    outbox.add(
        session,
        make_event(
            "accounts",
            "vendor_authorised",
            {"vendor_id": vendor.id, "entity_id": entity_id, "authorised_by": caller.user_id},
        ),
    )
    return NamedAuthorisation(authorisation, vendor.name)


def active_authorisation(session: Session, vendor_id: str, entity_id: str) -> VendorAuthorisation:
    if not ENTITY_ID_PATTERN.match(entity_id):
        raise AuthorisationNotFound(entity_id)
    authorisation = session.scalar(
        select(VendorAuthorisation).where(
            VendorAuthorisation.vendor_id == vendor_id,
            VendorAuthorisation.entity_id == entity_id,
            VendorAuthorisation.status == ACTIVE,
        )
    )
    if authorisation is None:
        raise AuthorisationNotFound(entity_id)
    return authorisation


def revoke_authorisation(session: Session, caller: Caller, vendor_id: str, entity_id: str) -> None:
    """The entity's officer, the vendor's manager or the vendor's software ends an authorisation."""
    vendor = vendor_by_id(session, vendor_id)
    permitted = caller.is_officer_of(entity_id) or caller.vendor_id == vendor.id
    if not permitted and not caller.is_vendor_client:
        permitted = manages(session, vendor.id, caller.user_id)
    if not permitted:
        raise NotPermitted("Only an officer of the entity or the vendor may revoke this authorisation.", "entity_id")
    authorisation = active_authorisation(session, vendor.id, entity_id)
    authorisation.status = REVOKED
    authorisation.revoked_by = caller.user_id
    authorisation.revoked_at = now_utc()
    outbox.add(
        session,
        make_event(
            "accounts",
            "vendor_authorisation_revoked",
            {"vendor_id": vendor.id, "entity_id": entity_id, "revoked_by": caller.user_id},
        ),
    )


def authorisations_of_entity(session: Session, caller: Caller, entity_id: str) -> list[NamedAuthorisation]:
    """The vendors an entity has authorised (active and revoked), for its officers and staff."""
    if not (caller.is_officer_of(entity_id) or (caller.is_staff and not caller.is_vendor_client)):
        raise NotPermitted("Only an officer of this entity or staff may list its vendors.", "entity_id")
    if not ENTITY_ID_PATTERN.match(entity_id):
        return []
    return named_authorisations(session, VendorAuthorisation.entity_id == entity_id)


def authorisations_of_vendor(session: Session, caller: Caller, vendor_id: str) -> list[NamedAuthorisation]:
    """The entities that authorised a vendor (active and revoked), for the vendor and staff."""
    vendor = visible_vendor(session, caller, vendor_id)
    return named_authorisations(session, VendorAuthorisation.vendor_id == vendor.id)


def named_authorisations(session: Session, condition: Any) -> list[NamedAuthorisation]:
    rows = session.execute(
        select(VendorAuthorisation, Vendor.name)
        .join(Vendor, Vendor.id == VendorAuthorisation.vendor_id)
        .where(condition)
        .order_by(VendorAuthorisation.authorised_at, VendorAuthorisation.id)
    )
    return [NamedAuthorisation(authorisation, name) for authorisation, name in rows]
