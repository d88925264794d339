"""Filings use cases: load, apply the rules, save, and queue events, in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from filings import SERVICE
from filings.domain.calendar import filing_date
from filings.domain.campaign_statement import CampaignStatement, violations
from filings.domain.entities import FIRST_ENTITY_ID, REGISTRANT_ROLE, EntityStatus, may_file
from filings.domain.errors import EntityNotFound, FilingRejected, NotPermittedToFile
from filings.domain.forms import CAMPAIGN_STATEMENT, STATEMENT_OF_ORGANIZATION
from filings.domain.statement_of_organization import CommitteeRegistration
from filings.models import Entity, EntityAgent, Filing, IdCounter
from filings.schemas import CampaignStatementIn, CommitteeRegistrationIn

ENTITY_ID_COUNTER = "entity_id"
ACCEPTED = "accepted"


def allocate_entity_id(session: Session) -> str:
    """The next entity ID (from 2000000 up), as text.

    The UPDATE locks the counter row until the caller's transaction ends, so concurrent callers wait
    for each other and never get the same ID; a rolled-back registration gives its number back.
    """
    allocated = session.execute(
        update(IdCounter)
        .where(IdCounter.name == ENTITY_ID_COUNTER)
        .values(next_value=IdCounter.next_value + 1)
        .returning(IdCounter.next_value - 1)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if allocated < FIRST_ENTITY_ID:
        raise RuntimeError(f"entity ID counter is below {FIRST_ENTITY_ID}: {allocated}")
    return str(allocated)


def register_committee(
    session: Session, registration: CommitteeRegistration, user_id: str, *, now: datetime | None = None
) -> tuple[Entity, Filing]:
    """Form 410: create the committee, accept its statement of organization, make the filer its officer."""
    now = now or datetime.now(UTC)
    entity = Entity(
        entity_id=allocate_entity_id(session),
        name=registration.name,
        entity_type=registration.committee_type.value,
        status=EntityStatus.ACTIVE.value,
        registered_on=filing_date(now),
        street=registration.street,
        city=registration.city,
        state=registration.state,
        zip=registration.zip,
        email=registration.email,
        treasurer_name=registration.treasurer_name,
        created_by=user_id,
        created_at=now,
    )
    filing = Filing(
        filing_id=str(uuid.uuid4()),
        amendment=0,
        entity_id=entity.entity_id,
        form=STATEMENT_OF_ORGANIZATION.code,
        period_start=None,
        period_end=None,
        filed_at=now,
        filed_by=user_id,
        content=CommitteeRegistrationIn().dump(registration),
        status=ACCEPTED,
    )
    session.add_all([entity, filing, EntityAgent(entity_id=entity.entity_id, user_id=user_id, role=REGISTRANT_ROLE)])
    session.flush()
    outbox.add(
        session,
        make_event(
            SERVICE,
            "entity_registered",
            {
                "entity_id": entity.entity_id,
                "name": entity.name,
                "entity_type": entity.entity_type,
                "registered_by": user_id,
                "registered_on": entity.registered_on,
                "filing_id": filing.filing_id,
            },
        ),
    )
    outbox.add(session, filing_accepted(filing, entity, {}))
    return entity, filing


def file_campaign_statement(
    session: Session, entity_id: str, statement: CampaignStatement, user_id: str, *, now: datetime | None = None
) -> Filing:
    """Form 460: accept the statement of an entity the filer may file for, if it keeps the form's rules."""
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise EntityNotFound(entity_id)
    agent = session.get(EntityAgent, (entity_id, user_id))
    if not may_file(agent.role if agent else None):
        raise NotPermittedToFile(entity_id)
    found = violations(statement)
    if found:
        raise FilingRejected(found)
    filing = Filing(
        filing_id=str(uuid.uuid4()),
        amendment=0,
        entity_id=entity_id,
        form=CAMPAIGN_STATEMENT.code,
        period_start=statement.period_start,
        period_end=statement.period_end,
        filed_at=now or datetime.now(UTC),
        filed_by=user_id,
        content=CampaignStatementIn().dump(statement),
        status=ACCEPTED,
    )
    session.add(filing)
    session.flush()
    outbox.add(session, filing_accepted(filing, entity, statement.totals()))
    return filing


def filing_accepted(filing: Filing, entity: Entity, totals: dict[str, Decimal]) -> dict[str, Any]:
    """The filing_accepted event of a filing version; its content stays here, read by ID."""
    return make_event(
        SERVICE,
        "filing_accepted",
        {
            "filing_id": filing.filing_id,
            "entity_id": entity.entity_id,
            "entity_name": entity.name,
            "form": filing.form,
            "form_name": filing.form_name,
            "amendment": filing.amendment,
            "period_start": filing.period_start,
            "period_end": filing.period_end,
            "filed_at": filing.filed_at,
            "totals": totals,
        },
    )


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


def projected_role(session: Session, entity_id: str, user_id: str) -> str | None:
    """The user's role on the entity as projected from accounts' link events."""
    agent = session.get(EntityAgent, (entity_id, user_id))
    return agent.role if agent else None


def entity_of(session: Session, entity_id: str) -> Entity | None:
    return session.get(Entity, entity_id)


def current_filing(session: Session, filing_id: str) -> Filing | None:
    """The latest version (highest amendment) of a filing."""
    latest_first = select(Filing).where(Filing.filing_id == filing_id).order_by(Filing.amendment.desc())
    return session.scalar(latest_first.limit(1))
