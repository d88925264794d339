"""The Penalty Notice: an annual fee went unpaid past its due date and the late payment penalty was charged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from correspondence.domain.formatting import dollars, long_date
from correspondence.domain.notice import contact_paragraph, recipient_lines_of

KIND = "penalty_notice"


def cause_of_penalty(entry_id: str) -> str:
    """The cause recorded on the notice, so one penalty entry yields one notice."""
    return f"fees.penalty_assessed:{entry_id}"


@dataclass(frozen=True)
class PenaltyNotice:
    """Tells an entity the penalty charged for paying an annual fee late, and by when to pay it."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str
    fee_year: int
    fee_due_date: date
    penalty_cents: int
    due_date: date
    portal_url: str

    @property
    def title(self) -> str:
        return f"Penalty Notice: Annual Fee {self.fee_year}"

    @property
    def subject(self) -> str:
        return f"Late payment penalty on the {self.fee_year} annual fee of {self.entity_name} (ID {self.entity_id})"

    def recipient_lines(self) -> list[str]:
        return recipient_lines_of(self.entity_id, self.entity_name)

    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Annual fee", str(self.fee_year)),
            ("Fee was due", long_date(self.fee_due_date)),
            ("Penalty", dollars(self.penalty_cents)),
            ("Penalty due by", long_date(self.due_date)),
        ]

    def paragraphs(self) -> list[str]:
        penalty = dollars(self.penalty_cents)
        return [
            f"The annual fee of {self.entity_name} (ID {self.entity_id}) for {self.fee_year} was due on "
            f"{long_date(self.fee_due_date)} and had not been paid by then. Under Government Code section 84101.5 "
            f"a penalty of {penalty} has been charged to the entity's account for paying late.",
            f"Please pay the penalty, and the annual fee if it is still open, by {long_date(self.due_date)}. Sign in "
            f"to the CARS portal at {self.portal_url} and open Fees for this entity to see the balance and pay it.",
            contact_paragraph(self.number, self.portal_url),
        ]
