"""Fees use cases driven by filings' events: the entities projection, the fee of registering, late filing fines.

Each runs in the consumer's transaction, with its inbox row; each is also safe to run again for the same
facts (a redelivered or republished event charges nothing twice).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from fees import SERVICE, ledger
from fees.domain import late_filing, late_payment
from fees.domain.annual_fee import AnnualFee, FeeEntity, fee_on_registration, owes_yearly_fee, yearly_fee
from fees.domain.calendar import california_today
from fees.domain.late_filing import CapBasis, FineAmount
from fees.domain.ledger import EntryKind
from fees.ledger import Actor
from fees.models import Entity, LateFilingFine, LedgerEntry

ANNUAL_FEE = "annual_fee"
LATE_PAYMENT = "late_payment"
LATE_FILING = "late_filing"
"""Rules, as the ledger names them on the entry opening each charge."""

REGISTRATION = Actor.system("filings.entity_registered")
TERMINATION = Actor.system("filings.entity_terminated")
LATE_FILING_REPORT = Actor.system("filings.filing_late")


class FineStatus(StrEnum):
    ACCRUING = "accruing"
    FINAL = "final"
    WAIVED = "waived"


# -- the entities projection --------------------------------------------------------------------------------


def _projected(session: Session, entity_id: str) -> Entity | None:
    return session.get(Entity, entity_id, with_for_update=True)


def record_registration(session: Session, event: dict[str, Any], today: date | None = None) -> Entity:
    """Project a registered entity and charge the annual fee of the year it registered in, once (and this
    year's, if it registered in an earlier year and owes it).
    """
    registered = event["payload"]
    entity = _projected(session, registered["entity_id"])
    now = datetime.now(UTC)
    if entity is None:
        entity = Entity(
            entity_id=registered["entity_id"],
            name=registered["name"],
            entity_type=registered["entity_type"],
            name_amendment=0,
            updated_at=now,
        )
        session.add(entity)
    elif entity.name_amendment is None:
        # Only a termination was known: the registration's name and type are the record's.
        entity.name, entity.entity_type, entity.name_amendment = registered["name"], registered["entity_type"], 0
    entity.registered_on = registered["registered_on"]
    entity.registration_form = registered.get("registration_form") or entity.registration_form
    entity.updated_at = now
    session.flush()
    assess_fee_on_registration(session, entity, cause_event_id=str(event["event_id"]))
    assess_this_years_fee(session, entity, cause_event_id=str(event["event_id"]), today=today)
    return entity


def record_update(session: Session, event: dict[str, Any]) -> Entity:
    """Project a registration amendment's name and type; an older amendment never overwrites a newer one."""
    updated = event["payload"]
    entity = _projected(session, updated["entity_id"])
    if entity is None:
        entity = Entity(entity_id=updated["entity_id"], name=updated["name"], entity_type=updated["entity_type"])
        session.add(entity)
    elif entity.name_amendment is not None and entity.name_amendment > updated["amendment"]:
        return entity
    entity.name, entity.entity_type = updated["name"], updated["entity_type"]
    entity.name_amendment = updated["amendment"]
    entity.updated_at = datetime.now(UTC)
    return entity


def record_termination(session: Session, event: dict[str, Any]) -> Entity:
    """Project a termination; fees charged for years after it are withdrawn (reversed), with their penalties."""
    terminated = event["payload"]
    entity = _projected(session, terminated["entity_id"])
    if entity is None:
        entity = Entity(
            entity_id=terminated["entity_id"], name=terminated["name"], entity_type=terminated["entity_type"]
        )
        session.add(entity)
    entity.terminated_on = terminated["terminated_on"]
    entity.updated_at = datetime.now(UTC)
    session.flush()
    withdraw_fees_after(session, entity.entity_id, entity.terminated_on)
    return entity


def withdraw_fees_after(session: Session, entity_id: str, terminated_on: date) -> list[LedgerEntry]:
    """Reverse the annual fees (and their late payment penalties) of years that began after termination."""
    charged = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.entity_id == entity_id,
            LedgerEntry.rule.in_((ANNUAL_FEE, LATE_PAYMENT)),
            LedgerEntry.fee_year > terminated_on.year,
        )
    ).all()
    reason = f"The entity terminated on {terminated_on.isoformat()}, before the fee year began."
    today = california_today()
    return [
        ledger.reverse(session, entry, TERMINATION, reason, today)
        for entry in charged
        if not ledger.is_reversed(session, entry.id)
    ]


# -- the annual fee -----------------------------------------------------------------------------------------


def annual_fee_values(entity_id: str, fee: AnnualFee, actor: Actor, effective_on: date, **cause: Any) -> dict[str, Any]:
    """The entry charging a year's annual fee, as columns (its id is the assessment id fee_assessed carries)."""
    return ledger.entry_values(
        entity_id,
        EntryKind.ANNUAL_FEE,
        fee.amount_cents,
        actor,
        effective_on=effective_on,
        description=f"Annual fee {fee.fee_year}",
        opens_item=True,
        rule=ANNUAL_FEE,
        period=str(fee.fee_year),
        due_on=fee.due_on,
        fee_year=fee.fee_year,
        **cause,
    )


def fee_assessed_payload(
    assessment_id: str, entity_id: str, entity_name: str, fee_year: int, amount_cents: int, due_on: date
) -> dict[str, Any]:
    """fee_assessed as correspondence reads it for the Annual Fee Notice."""
    return {
        "assessment_id": assessment_id,
        "entity_id": entity_id,
        "entity_name": entity_name,
        "fee_year": fee_year,
        "amount_cents": amount_cents,
        "due_date": due_on,
        "late_penalty_cents": late_payment.penalty_for(due_on),
    }


def charge_annual_fee(
    session: Session, entity: Entity, fee: AnnualFee, effective_on: date, cause_event_id: str | None
) -> LedgerEntry:
    """Charge one year's fee and queue fee_assessed (whose assessment_id is the entry's id), in one transaction."""
    entry = LedgerEntry(
        **annual_fee_values(entity.entity_id, fee, REGISTRATION, effective_on, cause_event_id=cause_event_id)
    )
    session.add(entry)
    session.flush()
    outbox.add(
        session,
        make_event(
            SERVICE,
            "fee_assessed",
            fee_assessed_payload(entry.id, entity.entity_id, entity.name, fee.fee_year, fee.amount_cents, fee.due_on),
        ),
    )
    return entry


def assess_fee_on_registration(session: Session, entity: Entity, cause_event_id: str | None) -> LedgerEntry | None:
    """Charge a newly registered entity the fee of its first year, once per entity and year."""
    assert entity.registered_on is not None
    fee = fee_on_registration(entity.entity_type, entity.registered_on, registration_form=entity.registration_form)
    if fee is None:
        return None
    existing = ledger.opening_entry(session, entity.entity_id, ANNUAL_FEE, str(fee.fee_year))
    if existing is not None:
        return existing
    return charge_annual_fee(session, entity, fee, entity.registered_on, cause_event_id)


def assess_this_years_fee(
    session: Session, entity: Entity, cause_event_id: str | None, today: date | None = None
) -> LedgerEntry | None:
    """Charge this year's fee to an entity that owes it but was not known when the yearly run went by.

    A registration of an earlier year arriving late (after a backlog) would otherwise miss the year's run.
    """
    today = today or california_today()
    fee_entity = FeeEntity(entity.entity_type, entity.registered_on, entity.terminated_on, entity.registration_form)
    if not owes_yearly_fee(fee_entity, today.year):
        return None
    if ledger.opening_entry(session, entity.entity_id, ANNUAL_FEE, str(today.year)) is not None:
        return None
    return charge_annual_fee(session, entity, yearly_fee(today.year, today), today, cause_event_id)


# -- late filing fines --------------------------------------------------------------------------------------


def fine_period(form: str, period_start: date | None, period_end: date | None) -> str:
    """The period a late filing fine is for, as the ledger keys it: form and filing period."""
    return f"{form}:{period_start.isoformat() if period_start else '-'}:{period_end.isoformat() if period_end else '-'}"


def fine_description(fine: LateFilingFine) -> str:
    """What a fine is for, as statements name it: form and filing period (or deadline)."""
    if fine.period_start and fine.period_end:
        period = f"{fine.period_start.isoformat()} to {fine.period_end.isoformat()}"
    else:
        period = f"due {fine.due_on.isoformat()}"
    return f"Late filing fine: {fine.form} {period}"


def fine_amount(fine: LateFilingFine) -> FineAmount:
    """The fine its days late come to now, by the rule in force on its deadline."""
    rule = late_filing.rule_on(fine.due_on)
    return late_filing.fine_for(rule, fine.days_late, fine.reported_amount_cents)


def _fine_event_fields(fine: LateFilingFine, amount: FineAmount) -> dict[str, Any]:
    return {
        "entity_name": fine.entity_name,
        "form": fine.form,
        "form_name": fine.form_name,
        "period_start": fine.period_start,
        "period_end": fine.period_end,
        "deadline": fine.due_on,
        "days_late": fine.days_late,
        "filing_id": fine.filing_id,
        "fine_cents": fine.accrued_cents,
        "cap_cents": amount.cap_cents,
        "cap_basis": str(amount.cap_basis),
        "final": fine.status == FineStatus.FINAL,
    }


def _fine_entry_description(fine: LateFilingFine, amount: FineAmount, correction: bool) -> str:
    days = f"{amount.days_late} day{'s' if amount.days_late != 1 else ''} late"
    cap = ""
    if amount.capped:
        basis = "the reported amount" if amount.cap_basis == CapBasis.REPORTED_AMOUNT else "the minimum cap"
        cap = f", capped at {basis}"
    if correction:
        return f"{fine_description(fine)}: corrected to {days} (the filing arrived){cap}"
    return f"{fine_description(fine)}, {days}{cap}"


def accrue_fine(
    session: Session, fine: LateFilingFine, actor: Actor, effective_on: date, cause_event_id: str | None = None
) -> LedgerEntry | None:
    """Bring what the fine has charged up (or, once final, down) to its amount for its days late; once only.

    The entry's key is the amount it brings the fine to, so two runs computing the same amount charge once.
    """
    amount = fine_amount(fine)
    difference = amount.amount_cents - fine.accrued_cents
    if difference == 0 or (difference < 0 and fine.status != FineStatus.FINAL):
        # Accrual never goes back while the filing is missing; only its final lateness corrects it down.
        return None
    fine.accrued_cents = amount.amount_cents
    fine.updated_at = datetime.now(UTC)
    stage = "final" if fine.status == FineStatus.FINAL else "to"
    entry = ledger.new_entry(
        fine.entity_id,
        EntryKind.LATE_FILING_FINE,
        difference,
        actor,
        effective_on=effective_on,
        description=_fine_entry_description(fine, amount, correction=difference < 0),
        item_id=fine.item_id,
        form=fine.form,
        period_start=fine.period_start,
        period_end=fine.period_end,
        filing_id=fine.filing_id,
        entry_key=f"late_filing:{fine.item_id}:{stage}:{amount.amount_cents}",
        cause_event_id=cause_event_id,
    )
    return ledger.append(session, entry, "fine_assessed", _fine_event_fields(fine, amount))


def _open_fine(session: Session, late: dict[str, Any], today: date, cause_event_id: str) -> LateFilingFine:
    """The first entry of a late filing fine, with the fine's bookkeeping row."""
    arrived = late["filing_id"] is not None
    reported = late_filing.reported_cents(late.get("reported_amount")) if arrived else None
    amount = late_filing.fine_for(late_filing.rule_on(late["due_on"]), late["days_late"], reported)
    fine = LateFilingFine(
        entity_id=late["entity_id"],
        entity_name=late["entity_name"],
        form=late["form"],
        form_name=late["form_name"],
        period_start=late["period_start"],
        period_end=late["period_end"],
        due_on=late["due_on"],
        days_late=late["days_late"],
        filing_id=late["filing_id"],
        filed_on=late["due_on"] + timedelta(days=late["days_late"]) if arrived else None,
        reported_amount_cents=reported,
        accrued_cents=amount.amount_cents,
        status=FineStatus.FINAL if arrived else FineStatus.ACCRUING,
        updated_at=datetime.now(UTC),
    )
    entry = ledger.new_entry(
        fine.entity_id,
        EntryKind.LATE_FILING_FINE,
        amount.amount_cents,
        LATE_FILING_REPORT,
        effective_on=today,
        description=_fine_entry_description(fine, amount, correction=False),
        opens_item=True,
        rule=LATE_FILING,
        period=fine_period(fine.form, fine.period_start, fine.period_end),
        due_on=today,
        form=fine.form,
        period_start=fine.period_start,
        period_end=fine.period_end,
        filing_id=fine.filing_id,
        cause_event_id=cause_event_id,
    )
    fine.item_id = entry.id
    ledger.append(session, entry, "fine_assessed", _fine_event_fields(fine, amount))
    session.add(fine)
    return fine


def assess_late_filing(session: Session, event: dict[str, Any], today: date | None = None) -> LateFilingFine | None:
    """Charge the late filing fine filings reported: opened when first found late, accrued as lateness grows,
    settled at the final days late once the filing arrives (capped at the greater of the amount it reports and
    the minimum cap). Once per (entity, form, period).
    """
    late = event["payload"]
    today = today or california_today()
    if late["days_late"] <= 0:
        return None
    period = fine_period(late["form"], late["period_start"], late["period_end"])
    opening = ledger.opening_entry(session, late["entity_id"], LATE_FILING, period)
    if opening is None:
        return _open_fine(session, late, today, str(event["event_id"]))
    fine = session.get(LateFilingFine, opening.id, with_for_update=True)
    assert fine is not None, f"late filing fine {opening.id} has no bookkeeping row"
    if fine.status == FineStatus.FINAL:
        return fine
    if late["filing_id"] is not None:
        fine.filing_id = late["filing_id"]
        fine.filed_on = fine.due_on + timedelta(days=late["days_late"])
        fine.days_late = late["days_late"]
        fine.reported_amount_cents = late_filing.reported_cents(late.get("reported_amount"))
        if fine.status == FineStatus.WAIVED:
            return fine
        fine.status = FineStatus.FINAL
    elif fine.status == FineStatus.WAIVED:
        return fine
    else:
        fine.days_late = max(fine.days_late, late["days_late"])
    accrue_fine(session, fine, LATE_FILING_REPORT, today, str(event["event_id"]))
    return fine
