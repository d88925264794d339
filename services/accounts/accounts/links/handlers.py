"""Entity link use cases: request, decide, revoke, claim; access codes; partner grants; administered accounts.

Each runs in the caller's transaction: load, apply the rules in `accounts.domain.entity_links`, save,
queue events through the outbox and append staff actions to the audit log. Who may do what is read
from accounts' own records, the source the access-token claims are made from.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts import handlers as account_handlers
from accounts.audit.log import SUCCESS, record
from accounts.domain import entity_links as rules
from accounts.domain.entity_links import LinkRuleBroken, NotPermitted
from accounts.exceptions import UnknownUser
from accounts.links.claim_attempts import AccessCodeRefused, check_claim_throttle, record_failed_claim
from accounts.links.models import EntityAccessCode, KnownEntity, PartnerGrant
from accounts.models import EntityLink, User
from cars_shared import outbox
from cars_shared.events import make_event


@dataclass(frozen=True)
class Caller:
    """Who acts, and from which client address (for the audit log)."""

    user_id: str
    client: str | None = None


class LinkNotFound(LookupError):
    """No link with this id is visible to the caller."""


class EntityUnknown(LookupError):
    """Accounts has not heard of this entity."""


def _now() -> datetime:
    return datetime.now(UTC)


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser(user_id)
    return user


def _role_on(session: Session, user_id: str, entity_id: str) -> str | None:
    return session.scalar(
        select(EntityLink.role).where(
            EntityLink.user_id == user_id, EntityLink.entity_id == entity_id, EntityLink.status == rules.APPROVED
        )
    )


def _approved_officers(session: Session, entity_id: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(EntityLink)
        .where(EntityLink.entity_id == entity_id, EntityLink.role == rules.OFFICER, EntityLink.status == rules.APPROVED)
    )


def _approved_links(session: Session, entity_id: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(EntityLink)
        .where(EntityLink.entity_id == entity_id, EntityLink.status == rules.APPROVED)
    )


def require_staff(session: Session, caller: Caller) -> User:
    """The caller's account, if it has the staff or administrator role."""
    user = _user(session, caller.user_id)
    if not rules.is_staff(user.roles):
        raise NotPermitted("Only staff may do this.")
    return user


def _require_link_manager(session: Session, caller: Caller, entity_id: str) -> bool:
    """Staff or an officer of the entity; answers whether the caller acts as staff."""
    roles = _user(session, caller.user_id).roles
    if not rules.may_manage_links(roles, _role_on(session, caller.user_id, entity_id)):
        raise NotPermitted("Only the entity's officers or staff may manage its links.")
    return rules.is_staff(roles)


def _link_payload(link: EntityLink) -> dict[str, Any]:
    return {"link_id": link.id, "user_id": link.user_id, "entity_id": link.entity_id, "role": link.role}


def _audit(session: Session, caller: Caller, action: str, target: str, detail: dict[str, Any]) -> None:
    record(
        session,
        actor_id=caller.user_id,
        action=action,
        target=target,
        outcome=SUCCESS,
        client=caller.client,
        detail=detail,
    )


# --- which entities exist, and where they came from ---------------------------------------------------------


def record_entity(session: Session, event: dict[str, Any]) -> KnownEntity:
    """Project filings.entity_registered: the entity exists; without a stated origin it is new."""
    payload = event["payload"]
    entity = session.get(KnownEntity, payload["entity_id"])
    if entity is None:
        entity = KnownEntity(
            entity_id=payload["entity_id"],
            name=payload["name"],
            origin=payload.get("origin") or rules.NEW_ORIGIN,
            recorded_at=_now(),
        )
        session.add(entity)
    return entity


def record_legacy_entity(
    session: Session, entity_id: str, name: str, address: dict[str, str] | None = None
) -> KnownEntity:
    """An entity migrated from the legacy system, with its address of record (for the legacy import event)."""
    entity = session.get(KnownEntity, entity_id)
    if entity is None:
        entity = KnownEntity(entity_id=entity_id, recorded_at=_now())
        session.add(entity)
    entity.name, entity.origin = name, rules.LEGACY_ORIGIN
    for part in ("street", "city", "state", "zip"):
        setattr(entity, part, (address or {}).get(part))
    session.flush()
    return entity


# --- proving control of a migrated entity --------------------------------------------------------------------


class ControlProof(Protocol):
    """A way to prove control of a migrated entity; a legacy credential check would be another one."""

    evidence_field: str

    def proves_control(self, session: Session, entity_id: str, evidence: str, user_id: str) -> bool: ...


class AccessCodeProof:
    """The single-use, expiring code mailed to the entity's address of record; used up when it matches."""

    evidence_field = "access_code"

    def proves_control(self, session: Session, entity_id: str, evidence: str, user_id: str) -> bool:
        today = _now().date()
        codes = session.scalars(
            select(EntityAccessCode)
            .where(
                EntityAccessCode.entity_id == entity_id,
                EntityAccessCode.used_at.is_(None),
                EntityAccessCode.superseded_at.is_(None),
                EntityAccessCode.expires_on >= today,
            )
            .with_for_update()
        )
        for code in codes:
            if rules.access_code_matches(evidence, code.code_digest):
                code.used_at, code.used_by = _now(), user_id
                return True
        return False


CONTROL_PROOFS: tuple[ControlProof, ...] = (AccessCodeProof(),)


# --- link requests and decisions -----------------------------------------------------------------------------


def request_link(
    session: Session, caller: Caller, entity_id: str, role: str, evidence: dict[str, str] | None = None
) -> EntityLink:
    """Ask to act for an entity; approved on the spot when the caller proves control of an unclaimed migrated one."""
    if role not in rules.ROLES_ON_ENTITY:
        raise LinkRuleBroken(f"The role must be one of {', '.join(rules.ROLES_ON_ENTITY)}.", "role")
    _user(session, caller.user_id)
    proof = _offered_proof(evidence or {})
    # Claims of one entity take turns, so its failed codes are counted exactly.
    entity = session.get(KnownEntity, entity_id, with_for_update=proof is not None)
    if entity is None:
        raise EntityUnknown(entity_id)
    link = session.scalar(
        select(EntityLink)
        .where(EntityLink.user_id == caller.user_id, EntityLink.entity_id == entity_id)
        .with_for_update()
    )
    rules.check_may_request(link.status if link else None)
    if proof is not None:
        return _claim(session, caller, entity, link, role, proof, evidence or {})
    if link is None:
        link = EntityLink(id=str(uuid.uuid4()), user_id=caller.user_id, entity_id=entity_id, created_at=_now())
        session.add(link)
    link.role, link.status = role, rules.PENDING
    session.flush()
    outbox.add(session, make_event("accounts", "entity_link_requested", _link_payload(link)))
    return link


def _offered_proof(evidence: dict[str, str]) -> ControlProof | None:
    return next((proof for proof in CONTROL_PROOFS if evidence.get(proof.evidence_field)), None)


def _claim(
    session: Session,
    caller: Caller,
    entity: KnownEntity,
    link: EntityLink | None,
    role: str,
    proof: ControlProof,
    evidence: dict[str, str],
) -> EntityLink:
    field = proof.evidence_field
    if role != rules.OFFICER:
        raise LinkRuleBroken("Claiming an entity makes you its officer; ask for the officer role.", "role")
    now = _now()
    check_claim_throttle(session, caller.user_id, entity.entity_id, caller.client, now)
    if not rules.may_claim_at_once(entity.origin, _approved_links(session, entity.entity_id)):
        record_failed_claim(
            session, caller.user_id, entity.entity_id, caller.client, now, proof=field, reason="not_claimable"
        )
        raise AccessCodeRefused(
            "Only an unclaimed entity migrated from the legacy system can be claimed this way; "
            "ask for a link without the code instead.",
            field,
        )
    if not proof.proves_control(session, entity.entity_id, evidence[field], caller.user_id):
        record_failed_claim(
            session, caller.user_id, entity.entity_id, caller.client, now, proof=field, reason="not_valid"
        )
        raise AccessCodeRefused("This code is not valid for this entity (wrong, used, replaced or expired).", field)
    if link is None:
        link = EntityLink(id=str(uuid.uuid4()), user_id=caller.user_id, entity_id=entity.entity_id, created_at=_now())
        session.add(link)
    link.role, link.status = rules.OFFICER, rules.APPROVED
    session.flush()
    outbox.add(
        session,
        make_event(
            "accounts",
            "entity_link_approved",
            {**_link_payload(link), "approval": "access_code", "approved_by": caller.user_id},
        ),
    )
    _audit(session, caller, "entity_claimed", f"entity:{entity.entity_id}", {"link_id": link.id, "proof": field})
    return link


def _link_for_update(session: Session, link_id: str) -> EntityLink:
    link = session.scalar(select(EntityLink).where(EntityLink.id == link_id).with_for_update())
    if link is None:
        raise LinkNotFound(link_id)
    return link


def _lock_entity_links(session: Session, entity_id: str) -> None:
    """Serialise changes to one entity's links so two officers cannot both step down at once."""
    session.scalars(select(EntityLink.id).where(EntityLink.entity_id == entity_id).with_for_update()).all()


def decide_link(session: Session, caller: Caller, link_id: str, approve: bool, reason: str | None = None) -> EntityLink:
    """An officer of the entity or staff approves or denies a pending request."""
    link = _link_for_update(session, link_id)
    as_staff = _require_link_manager(session, caller, link.entity_id)
    if link.status != rules.PENDING:
        raise LinkRuleBroken("This request was already decided.", "link_id")
    link.status = rules.APPROVED if approve else rules.DENIED
    if approve:
        event = make_event(
            "accounts",
            "entity_link_approved",
            {**_link_payload(link), "approval": "staff" if as_staff else "officer", "approved_by": caller.user_id},
        )
    else:
        event = make_event("accounts", "entity_link_denied", {**_link_payload(link), "decided_by": caller.user_id})
    outbox.add(session, event)
    _audit(
        session,
        caller,
        "entity_link_approved" if approve else "entity_link_denied",
        f"link:{link.id}",
        {
            "entity_id": link.entity_id,
            "user_id": link.user_id,
            "role": link.role,
            "as_staff": as_staff,
            "reason": reason,
        },
    )
    return link


def revoke_link(session: Session, caller: Caller, link_id: str) -> EntityLink:
    """End a link (officers, staff, or the linked user leaving); the last officer stays."""
    link = _link_for_update(session, link_id)
    as_staff = False
    if link.user_id != caller.user_id:
        as_staff = _require_link_manager(session, caller, link.entity_id)
    if link.status not in rules.OPEN_STATUSES:
        raise LinkRuleBroken("This link is not active.", "link_id")
    if link.status == rules.APPROVED:
        _lock_entity_links(session, link.entity_id)
        rules.check_officers_remain(link.role, None, _approved_officers(session, link.entity_id))
    link.status = rules.REVOKED
    outbox.add(
        session, make_event("accounts", "entity_link_revoked", {**_link_payload(link), "revoked_by": caller.user_id})
    )
    _audit(
        session,
        caller,
        "entity_link_revoked",
        f"link:{link.id}",
        {"entity_id": link.entity_id, "user_id": link.user_id, "role": link.role, "as_staff": as_staff},
    )
    return link


def change_role(session: Session, caller: Caller, link_id: str, role: str) -> EntityLink:
    """An officer or staff changes an approved link's role; the last officer cannot be downgraded."""
    if role not in rules.ROLES_ON_ENTITY:
        raise LinkRuleBroken(f"The role must be one of {', '.join(rules.ROLES_ON_ENTITY)}.", "role")
    link = _link_for_update(session, link_id)
    as_staff = _require_link_manager(session, caller, link.entity_id)
    if link.status != rules.APPROVED:
        raise LinkRuleBroken("Only an approved link has a role to change.", "link_id")
    if link.role == role:
        return link
    _lock_entity_links(session, link.entity_id)
    rules.check_officers_remain(link.role, role, _approved_officers(session, link.entity_id))
    previous, link.role = link.role, role
    outbox.add(
        session,
        make_event(
            "accounts",
            "entity_link_role_changed",
            {**_link_payload(link), "previous_role": previous, "changed_by": caller.user_id},
        ),
    )
    _audit(
        session,
        caller,
        "entity_link_role_changed",
        f"link:{link.id}",
        {
            "entity_id": link.entity_id,
            "user_id": link.user_id,
            "role": role,
            "previous_role": previous,
            "as_staff": as_staff,
        },
    )
    return link


def links_of_user(session: Session, user_id: str) -> list[EntityLink]:
    return list(session.scalars(select(EntityLink).where(EntityLink.user_id == user_id).order_by(EntityLink.entity_id)))


def links_of_entity(session: Session, caller: Caller, entity_id: str) -> list[EntityLink]:
    """Every link of an entity, for its officers and staff."""
    _require_link_manager(session, caller, entity_id)
    return list(
        session.scalars(
            select(EntityLink).where(EntityLink.entity_id == entity_id).order_by(EntityLink.created_at, EntityLink.id)
        )
    )


def pending_requests(session: Session, caller: Caller, limit: int) -> list[EntityLink]:
    """Requests waiting for the caller: all of them for staff, those of entities they are officer of for others."""
    query = select(EntityLink).where(EntityLink.status == rules.PENDING)
    if not rules.is_staff(_user(session, caller.user_id).roles):
        officered = select(EntityLink.entity_id).where(
            EntityLink.user_id == caller.user_id, EntityLink.role == rules.OFFICER, EntityLink.status == rules.APPROVED
        )
        query = query.where(EntityLink.entity_id.in_(officered))
    return list(session.scalars(query.order_by(EntityLink.created_at, EntityLink.id).limit(limit)))


# --- entity access codes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCode:
    """What staff see of an issued code: not the code, which only the letter carries."""

    code_id: str
    entity_id: str
    expires_on: date


def issue_access_codes(session: Session, caller: Caller, entity_ids: Sequence[str]) -> list[IssuedCode]:
    """Staff issue a fresh code per unclaimed migrated entity (replacing older ones); correspondence mails it."""
    require_staff(session, caller)
    issued: list[IssuedCode] = []
    now = _now()
    for entity_id in dict.fromkeys(entity_ids):
        entity = session.get(KnownEntity, entity_id)
        if entity is None or entity.origin != rules.LEGACY_ORIGIN:
            raise LinkRuleBroken(f"Entity {entity_id} is not a migrated entity.", "entity_ids")
        if _approved_links(session, entity_id):
            raise LinkRuleBroken(f"Entity {entity_id} is already claimed.", "entity_ids")
        if not (entity.street and entity.city and entity.state and entity.zip):
            raise LinkRuleBroken(f"No address of record is known for entity {entity_id}.", "entity_ids")
        for older in session.scalars(
            select(EntityAccessCode).where(
                EntityAccessCode.entity_id == entity_id,
                EntityAccessCode.used_at.is_(None),
                EntityAccessCode.superseded_at.is_(None),
            )
        ):
            older.superseded_at = now
        code = rules.new_access_code()
        stored = EntityAccessCode(
            id=str(uuid.uuid4()),
            entity_id=entity_id,
            code_digest=rules.access_code_digest(code),
            issued_by=caller.user_id,
            issued_at=now,
            expires_on=rules.access_code_expiry(now.date()),
        )
        session.add(stored)
        outbox.add(
            session,
            make_event(
                "accounts",
                "entity_access_code_issued",
                {
                    "code_id": stored.id,
                    "entity_id": entity_id,
                    "entity_name": entity.name,
                    "mailing_address": {
                        "street": entity.street,
                        "city": entity.city,
                        "state": entity.state,
                        "zip": entity.zip,
                    },
                    "access_code": code,
                    "expires_on": stored.expires_on,
                    "issued_by": caller.user_id,
                },
            ),
        )
        issued.append(IssuedCode(stored.id, entity_id, stored.expires_on))
    session.flush()
    _audit(
        session,
        caller,
        "entity_access_codes_issued",
        f"entities:{len(issued)}",
        {"entity_ids": [code.entity_id for code in issued], "code_ids": [code.code_id for code in issued]},
    )
    return issued


def unclaimed_legacy_entities(session: Session, limit: int) -> list[str]:
    """Migrated entities nobody is linked to yet (for issuing codes in bulk)."""
    claimed = select(EntityLink.entity_id).where(EntityLink.status == rules.APPROVED)
    return list(
        session.scalars(
            select(KnownEntity.entity_id)
            .where(KnownEntity.origin == rules.LEGACY_ORIGIN, KnownEntity.entity_id.not_in(claimed))
            .order_by(KnownEntity.entity_id)
            .limit(limit)
        )
    )


# --- partner grants ------------------------------------------------------------------------------------------


def grant_partner_access(
    session: Session, caller: Caller, partner_id: str, entity_id: str, starts_on: date, ends_on: date
) -> PartnerGrant:
    """Staff give a partner read access to an entity for a period; queue partner_access_granted."""
    require_staff(session, caller)
    rules.check_grant_period(starts_on, ends_on)
    partner = session.get(User, partner_id)
    if partner is None or rules.PARTNER not in partner.roles:
        raise LinkRuleBroken("No partner account has this id.", "partner_id")
    grant = PartnerGrant(
        id=str(uuid.uuid4()),
        partner_id=partner_id,
        entity_id=entity_id,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=caller.user_id,
        granted_at=_now(),
    )
    session.add(grant)
    session.flush()
    payload = {
        "grant_id": grant.id,
        "partner_id": partner_id,
        "entity_id": entity_id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "granted_by": caller.user_id,
    }
    outbox.add(session, make_event("accounts", "partner_access_granted", payload))
    _audit(
        session,
        caller,
        "partner_access_granted",
        f"grant:{grant.id}",
        {
            "partner_id": partner_id,
            "entity_id": entity_id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return grant


def revoke_partner_access(session: Session, caller: Caller, grant_id: str) -> PartnerGrant:
    """Staff end a partner grant before its last day; queue partner_access_revoked (once, however often revoked)."""
    require_staff(session, caller)
    # Locked, so two staff revoking at once announce the revocation once.
    grant = session.get(PartnerGrant, grant_id, with_for_update=True)
    if grant is None:
        raise LinkNotFound(grant_id)
    if grant.revoked_at is None:
        grant.revoked_at, grant.revoked_by = _now(), caller.user_id
        payload = {
            "grant_id": grant.id,
            "partner_id": grant.partner_id,
            "entity_id": grant.entity_id,
            "revoked_by": caller.user_id,
        }
        outbox.add(session, make_event("accounts", "partner_access_revoked", payload))
        _audit(
            session,
            caller,
            "partner_access_revoked",
            f"grant:{grant.id}",
            {"partner_id": grant.partner_id, "entity_id": grant.entity_id},
        )
    return grant


def partner_grants(session: Session, caller: Caller, partner_id: str | None, limit: int) -> list[PartnerGrant]:
    require_staff(session, caller)
    query = select(PartnerGrant)
    if partner_id:
        query = query.where(PartnerGrant.partner_id == partner_id)
    return list(session.scalars(query.order_by(PartnerGrant.granted_at.desc(), PartnerGrant.id).limit(limit)))


# --- accounts made by an administrator -----------------------------------------------------------------------


def create_administered_user(
    session: Session, caller: Caller | None, username: str, email: str, password: str, roles: Sequence[str]
) -> User:
    """An administrator creates a staff, partner or administrator account (`caller` None: the console bootstrap)."""
    if caller is not None and rules.ADMINISTRATOR not in _user(session, caller.user_id).roles:
        raise NotPermitted("Only administrators create staff and partner accounts.")
    wanted = list(dict.fromkeys(roles))
    if not wanted or any(role not in rules.ADMINISTERED_ROLES for role in wanted):
        raise LinkRuleBroken(f"Roles must be among {', '.join(rules.ADMINISTERED_ROLES)}.", "roles")
    user = account_handlers.register_user(session, username, email, password)
    user.roles = wanted
    session.flush()
    record(
        session,
        actor_id=caller.user_id if caller else None,
        action="administered_user_created",
        target=f"user:{user.id}",
        outcome=SUCCESS,
        client=caller.client if caller else "console",
        detail={"username": user.username, "roles": wanted},
    )
    return user
