"""The Late Filing Notice and Fine Assessment: a required filing was late and a fine is charged for it.

A fine accrues day by day while the filing is missing; the entity is written to when the fine opens and again
when the filing arrives and the fine is final, never for each day's accrual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from correspondence.domain.formatting import dollars, long_date, period_words
from correspondence.domain.notice import contact_paragraph, recipient_lines_of

KIND = "late_filing_notice"
TITLE = "Late Filing Notice and Fine Assessment"


def cause_of_fine_entry(entry_id: str) -> str:
    """The cause recorded on the notice, so one fine entry yields at most one notice."""
    return f"fees.fine_assessed:{entry_id}"


def warrants_notice(entry_id: str, item_id: str | None, final: bool) -> bool:
    """A fine entry is written about when it opens the fine (it is the fine's first entry) or makes it final."""
    return final or entry_id == item_id


@dataclass(frozen=True)
class LateFilingNotice:
    """Tells an entity which filing was late, by how many days, and the fine so far or in full."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str
    form: str
    form_name: str
    period_start: date | None
    period_end: date | None
    deadline: date
    days_late: int
    fine_cents: int
    cap_cents: int
    final: bool
    portal_url: str

    @property
    def title(self) -> str:
        return TITLE

    @property
    def subject(self) -> str:
        return f"Late {self.form} of {self.entity_name} (ID {self.entity_id}), due {long_date(self.deadline)}"

    def recipient_lines(self) -> list[str]:
        return recipient_lines_of(self.entity_id, self.entity_name)

    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Form", f"{self.form} {self.form_name}"),
            ("Reporting period", period_words(self.period_start, self.period_end)),
            ("Deadline", long_date(self.deadline)),
            ("Days late", f"{self.days_late} so far" if not self.final else str(self.days_late)),
            ("Fine", dollars(self.fine_cents) if self.final else f"{dollars(self.fine_cents)} so far"),
            ("Most the fine can reach", dollars(self.cap_cents)),
        ]

    def paragraphs(self) -> list[str]:
        fine, days = dollars(self.fine_cents), f"{self.days_late} day{'s' if self.days_late != 1 else ''}"
        filing = f"the {self.form} {self.form_name} for {period_words(self.period_start, self.period_end)}"
        if self.final:
            status = (
                f"The Division's records show that {filing}, due on {long_date(self.deadline)}, was filed {days} "
                f"late. Under Government Code section 91013 a late filing fine of {fine} is assessed for it; this "
                "is the final amount of the fine and replaces any amount stated in an earlier notice."
            )
        else:
            status = (
                f"The Division's records show that {filing}, due on {long_date(self.deadline)}, has not been "
                f"filed: it is {days} late. Under Government Code section 91013 a late filing fine of {fine} has "
                f"been assessed so far. The fine grows for each further day until the filing is made, up to "
                f"{dollars(self.cap_cents)}. Please file it now through the CARS portal at {self.portal_url}."
            )
        return [
            status,
            f"Sign in to the CARS portal at {self.portal_url} and open Fees for this entity to see and pay the fine.",
            "If the filing was late for reasons that were not wilful, you may ask the Division to waive the fine "
            "through the portal, explaining why. A fine is not waived once a written notice about it went "
            "unanswered, so please respond to this notice.",
            contact_paragraph(self.number, self.portal_url),
        ]
