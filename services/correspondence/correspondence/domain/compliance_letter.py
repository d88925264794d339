"""The compliance letter: written by staff to an entity, in their own words, on the Division's letterhead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from correspondence.domain.notice import recipient_lines_of

KIND = "compliance_letter"
MAX_SUBJECT_LENGTH = 150
MAX_BODY_LENGTH = 20000


def cause_of_staff_request(request_id: str) -> str:
    """The cause recorded on the letter: the request id staff sent, so a resent request issues one letter."""
    return f"staff.compliance_letter:{request_id}"


def paragraphs_of(body: str) -> list[str]:
    """Staff's text split into paragraphs at blank lines; single line breaks stay within a paragraph."""
    blocks = (block.strip() for block in body.replace("\r\n", "\n").split("\n\n"))
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks if block]


@dataclass(frozen=True)
class ComplianceLetter:
    """A letter from staff to an entity about its compliance with the Political Reform Act."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str
    heading: str
    body: str

    @property
    def title(self) -> str:
        return self.heading

    @property
    def subject(self) -> str:
        return f"{self.heading}: {self.entity_name} (ID {self.entity_id})"

    def recipient_lines(self) -> list[str]:
        return recipient_lines_of(self.entity_id, self.entity_name)

    def facts(self) -> list[tuple[str, str]]:
        return []

    def paragraphs(self) -> list[str]:
        return paragraphs_of(self.body)
