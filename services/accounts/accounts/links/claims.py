"""What a user may do for which entity, as carried in the access token's claims."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import APPROVED, EntityLink


def approved_links(session: Session, user_id: str) -> list[EntityLink]:
    return list(
        session.scalars(
            select(EntityLink)
            .where(EntityLink.user_id == user_id, EntityLink.status == APPROVED)
            .order_by(EntityLink.entity_id)
        )
    )


def entity_claims(session: Session, user_id: str) -> dict[str, Any]:
    """The `entities` claim: each entity the user may act for, with the role held on it."""
    return {"entities": [{"entity_id": link.entity_id, "role": link.role} for link in approved_links(session, user_id)]}
