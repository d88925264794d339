"""Filings use cases shared by the service: entity IDs, entities, and the projections of accounts' events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from filings.domain.entities import FIRST_ENTITY_ID
from filings.domain.intake import Space, sandbox_entity_id
from filings.models import Entity, EntityAgent, IdCounter, VendorStatus

ENTITY_ID_COUNTER = "entity_id"
SANDBOX_ENTITY_ID_COUNTER = "sandbox_entity_id"


def _allocate(session: Session, counter: str) -> int:
    # The UPDATE locks the counter row until the caller's transaction ends, so concurrent callers wait for
    # each other and never get the same number; a rolled-back registration gives its number back.
    return session.execute(
        update(IdCounter)
        .where(IdCounter.name == counter)
        .values(next_value=IdCounter.next_value + 1)
        .returning(IdCounter.next_value - 1)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def allocate_entity_id(session: Session, space: Space = Space.PRODUCTION) -> str:
    """The next entity ID of the space, as text: from 2000000 up in production, "S0000001" up in the sandbox."""
    if space == Space.SANDBOX:
        return sandbox_entity_id(_allocate(session, SANDBOX_ENTITY_ID_COUNTER))
    allocated = _allocate(session, ENTITY_ID_COUNTER)
    if allocated < FIRST_ENTITY_ID:
        raise RuntimeError(f"entity ID counter is below {FIRST_ENTITY_ID}: {allocated}")
    return str(allocated)


def public_entity(session: Session, entity_id: str) -> Entity | None:
    """The entity, if it is on the public record (sandbox entities never are)."""
    return session.scalar(select(Entity).where(Entity.entity_id == entity_id, Entity.space == Space.PRODUCTION))


def record_entity_link(session: Session, event: dict[str, Any]) -> EntityAgent:
    """Project accounts' approved link: the user may now act for the entity in the given role."""
    link = event["payload"]
    agent = session.get(EntityAgent, (link["entity_id"], link["user_id"]))
    if agent is None:
        agent = EntityAgent(entity_id=link["entity_id"], user_id=link["user_id"], role=link["role"])
        session.add(agent)
    else:
        agent.role = link["role"]
    return agent


def remove_entity_link(session: Session, event: dict[str, Any]) -> None:
    """Project accounts' revoked link: the user no longer acts for the entity."""
    link = event["payload"]
    agent = session.get(EntityAgent, (link["entity_id"], link["user_id"]))
    if agent is not None:
        session.delete(agent)


def signer_role(session: Session, entity_id: str, user_id: str) -> str | None:
    """The role the user holds on the entity now, as projected from accounts' link events."""
    agent = session.get(EntityAgent, (entity_id, user_id))
    return agent.role if agent else None


def record_vendor_status(session: Session, event: dict[str, Any], *, certified: bool) -> VendorStatus:
    """Project accounts' vendor_certified / vendor_decertified; an event older than the status changes nothing."""
    vendor_id = event["payload"]["vendor_id"]
    occurred_at = datetime.fromisoformat(str(event["occurred_at"]))
    status = session.get(VendorStatus, vendor_id, with_for_update=True)
    if status is None:
        status = VendorStatus(vendor_id=vendor_id, certified=certified, changed_at=occurred_at)
        session.add(status)
    elif occurred_at >= status.changed_at:
        status.certified, status.changed_at = certified, occurred_at
    return status


def vendor_certified(session: Session, vendor_id: str) -> bool:
    """Whether accounts' latest word on the vendor is that it is certified for production."""
    return bool(session.scalar(select(VendorStatus.certified).where(VendorStatus.vendor_id == vendor_id)))
