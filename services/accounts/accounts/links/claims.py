"""What a user may do for which entity, as carried in the access token's claims."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.domain.entity_links import grant_until
from accounts.links.models import PartnerGrant
from accounts.models import APPROVED, EntityLink


def approved_links(session: Session, user_id: str) -> list[EntityLink]:
    return list(
        session.scalars(
            select(EntityLink)
            .where(EntityLink.user_id == user_id, EntityLink.status == APPROVED)
            .order_by(EntityLink.entity_id)
        )
    )


def active_partner_grants(session: Session, user_id: str) -> list[PartnerGrant]:
    today = datetime.now(UTC).date()
    return list(
        session.scalars(
            select(PartnerGrant)
            .where(
                PartnerGrant.partner_id == user_id,
                PartnerGrant.revoked_at.is_(None),
                PartnerGrant.starts_on <= today,
                PartnerGrant.ends_on >= today,
            )
            .order_by(PartnerGrant.entity_id, PartnerGrant.ends_on.desc())
        )
    )


def entity_claims(session: Session, user_id: str) -> dict[str, Any]:
    """The `entities` claim (each entity the user may act for, with the role held on it) and the
    `partner_grants` claim (entities a partner may read, each `until` an epoch second)."""
    until: dict[str, int] = {}
    for grant in active_partner_grants(session, user_id):
        until[grant.entity_id] = max(until.get(grant.entity_id, 0), grant_until(grant.ends_on))
    return {
        "entities": [{"entity_id": link.entity_id, "role": link.role} for link in approved_links(session, user_id)],
        "partner_grants": [{"entity_id": entity_id, "until": moment} for entity_id, moment in until.items()],
    }
