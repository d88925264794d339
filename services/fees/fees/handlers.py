"""Fees use cases: load, apply the rules, save, and queue events, in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from fees.domain.annual_fee import fee_on_registration
from fees.models import FeeAssessment


def assess_fee_on_registration(session: Session, event: dict[str, Any]) -> FeeAssessment:
    """Charge a newly registered entity its first annual fee, once per entity and year."""
    entity = event["payload"]
    fee = fee_on_registration(entity["registered_on"])
    existing = session.scalar(
        select(FeeAssessment).where(
            FeeAssessment.entity_id == entity["entity_id"], FeeAssessment.fee_year == fee.fee_year
        )
    )
    if existing is not None:
        return existing
    assessment = FeeAssessment(
        id=str(uuid.uuid4()),
        entity_id=entity["entity_id"],
        entity_name=entity["name"],
        fee_year=fee.fee_year,
        amount_cents=fee.amount_cents,
        late_penalty_cents=fee.late_penalty_cents,
        due_date=fee.due_date,
        assessed_at=datetime.now(UTC),
        cause_event_id=event["event_id"],
    )
    session.add(assessment)
    outbox.add(
        session,
        make_event(
            "fees",
            "fee_assessed",
            {
                "assessment_id": assessment.id,
                "entity_id": assessment.entity_id,
                "entity_name": assessment.entity_name,
                "fee_year": assessment.fee_year,
                "amount_cents": assessment.amount_cents,
                "due_date": assessment.due_date,
                "late_penalty_cents": assessment.late_penalty_cents,
            },
        ),
    )
    return assessment


def assessments_of(session: Session, entity_id: str) -> list[FeeAssessment]:
    return list(
        session.scalars(
            select(FeeAssessment).where(FeeAssessment.entity_id == entity_id).order_by(FeeAssessment.fee_year)
        )
    )
