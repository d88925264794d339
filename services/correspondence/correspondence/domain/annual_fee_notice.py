"""The Annual Fee Notice: what it says, as data (its PDF layout lives in correspondence.pdf)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from correspondence.domain.formatting import dollars, long_date

KIND = "annual_fee_notice"


def cause_of_fee_assessment(assessment_id: str) -> str:
    """The cause recorded on the notice, so one assessment yields one notice."""
    return f"fees.fee_assessed:{assessment_id}"


def title_for(fee_year: int) -> str:
    return f"Annual Fee Notice {fee_year}"


@dataclass(frozen=True)
class AnnualFeeNotice:
    """A notice telling an entity its annual fee for a year, when it is due and what paying late costs."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str
    fee_year: int
    amount_cents: int
    due_date: date
    late_penalty_cents: int
    portal_url: str

    @staticmethod
    def content_of(fee: Mapping[str, Any], portal_url: str) -> dict[str, Any]:
        """What the notice of a `fee_assessed` payload says, as JSON-ready values (kept until it is drawn)."""
        due_date = fee["due_date"]
        return {
            "entity_id": fee["entity_id"],
            "entity_name": fee["entity_name"],
            "fee_year": fee["fee_year"],
            "amount_cents": fee["amount_cents"],
            "due_date": due_date.isoformat() if isinstance(due_date, date) else str(due_date),
            "late_penalty_cents": fee["late_penalty_cents"],
            "portal_url": portal_url,
        }

    @classmethod
    def from_content(cls, number: str, issued_on: date, content: Mapping[str, Any]) -> AnnualFeeNotice:
        """The notice numbered `number`, issued on `issued_on`, saying what `content_of` recorded."""
        return cls(
            number=number,
            issued_on=issued_on,
            entity_id=content["entity_id"],
            entity_name=content["entity_name"],
            fee_year=content["fee_year"],
            amount_cents=content["amount_cents"],
            due_date=date.fromisoformat(content["due_date"]),
            late_penalty_cents=content["late_penalty_cents"],
            portal_url=content["portal_url"],
        )

    @property
    def title(self) -> str:
        return title_for(self.fee_year)

    @property
    def subject(self) -> str:
        return f"Annual fee {self.fee_year} of {self.entity_name} (ID {self.entity_id})"

    def paragraphs(self) -> list[str]:
        """The body of the letter, one string per paragraph."""
        amount, due = dollars(self.amount_cents), long_date(self.due_date)
        return [
            f"The annual fee of {amount} for {self.fee_year} has been assessed to {self.entity_name} "
            f"(ID {self.entity_id}) under Government Code section 84101.5. Payment is due by {due}.",
            f"How to pay: sign in to the CARS portal at {self.portal_url}, open Fees for this entity and pay "
            f"the {amount} due. Please quote correspondence number {self.number} in any question about "
            "this notice.",
            f"If the fee is not paid by {due}, a penalty of {dollars(self.late_penalty_cents)} is added "
            "for paying late.",
            "If this entity has been terminated, or you believe this notice was sent in error, contact the "
            "Political Reform Division through the CARS portal.",
        ]
