"""The Waiver decision: staff waived a late filing fine, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from correspondence.domain.formatting import dollars, long_date
from correspondence.domain.notice import contact_paragraph, recipient_lines_of

KIND = "waiver_decision"
TITLE = "Waiver Decision: Late Filing Fine"
# fees describes a waiver entry as "Waiver: <the waived charge's description>".
WAIVER_PREFIX = "Waiver: "


def cause_of_waiver(entry_id: str) -> str:
    """The cause recorded on the decision, so one waiver yields one letter."""
    return f"fees.fine_waived:{entry_id}"


@dataclass(frozen=True)
class WaiverDecision:
    """Tells an entity a late filing fine was waived, how much, and the reason recorded."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str | None
    waived_cents: int
    fine_description: str
    reason: str
    effective_on: date
    portal_url: str

    @classmethod
    def fine_described_by(cls, waiver_description: str) -> str:
        """The waived fine's own description, from the waiver entry's."""
        return waiver_description.removeprefix(WAIVER_PREFIX)

    @property
    def title(self) -> str:
        return TITLE

    @property
    def subject(self) -> str:
        return f"Late filing fine of {dollars(self.waived_cents)} waived for ID {self.entity_id}"

    def recipient_lines(self) -> list[str]:
        return recipient_lines_of(self.entity_id, self.entity_name)

    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Decision", "Waiver granted"),
            ("Fine", self.fine_description),
            ("Amount waived", dollars(self.waived_cents)),
            ("Effective", long_date(self.effective_on)),
        ]

    def paragraphs(self) -> list[str]:
        return [
            f"The Political Reform Division has waived the late filing fine described above ({self.fine_description}) "
            f"for filer ID {self.entity_id}, finding that the lateness was not wilful. {dollars(self.waived_cents)} "
            f"has been credited to the entity's account as of {long_date(self.effective_on)}.",
            f"Reason recorded: {self.reason}",
            "The waiver applies to this fine only. Filings still due must be made by their deadlines; later late "
            f"filings are fined as usual. The account's balance is shown under Fees in the CARS portal at "
            f"{self.portal_url}.",
            contact_paragraph(self.number, self.portal_url),
        ]
