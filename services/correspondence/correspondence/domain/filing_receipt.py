"""The Filing Receipt: what was filed, when, and which version of the filing it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from correspondence.domain.formatting import label_words, long_datetime, money_words, period_words
from correspondence.domain.notice import contact_paragraph, recipient_lines_of

KIND = "filing_receipt"


def cause_of_filing_version(filing_id: str, amendment: int) -> str:
    """The cause recorded on the receipt: one receipt per version of a filing, however it was announced."""
    return f"filings.filing:{filing_id}:{amendment}"


@dataclass(frozen=True)
class FilingReceipt:
    """Acknowledges an accepted filing or amendment, with the totals it reported."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str
    filing_id: str
    form: str
    form_name: str
    amendment: int
    previous_amendment: int | None
    period_start: date | None
    period_end: date | None
    filed_at: datetime
    totals: Mapping[str, Decimal | str]
    portal_url: str

    @property
    def title(self) -> str:
        if self.amendment == 0:
            return f"Filing Receipt: {self.form}"
        return f"Filing Receipt: {self.form} Amendment {self.amendment}"

    @property
    def subject(self) -> str:
        return f"{self.form} filed by {self.entity_name} (ID {self.entity_id}), version {self.amendment}"

    def version_words(self) -> str:
        if self.previous_amendment is None:
            return f"Version {self.amendment} (original filing)" if self.amendment == 0 else f"Version {self.amendment}"
        return f"Version {self.amendment} (amendment replacing version {self.previous_amendment})"

    def recipient_lines(self) -> list[str]:
        return recipient_lines_of(self.entity_id, self.entity_name)

    def facts(self) -> list[tuple[str, str]]:
        rows = [
            ("Form", f"{self.form} {self.form_name}"),
            ("Reporting period", period_words(self.period_start, self.period_end)),
            ("Filed", long_datetime(self.filed_at)),
            ("Filing ID", self.filing_id),
            ("Version", self.version_words()),
        ]
        return rows + [(label_words(name), money_words(value)) for name, value in sorted(self.totals.items())]

    def paragraphs(self) -> list[str]:
        what = "an amendment" if self.amendment > 0 else "a filing"
        return [
            f"The Political Reform Division accepted {what} of the {self.form} {self.form_name} from "
            f"{self.entity_name} (ID {self.entity_id}), filed on {long_datetime(self.filed_at)}. The figures above "
            "are the totals it reported.",
            "The filing is now part of the public record. Every version stays on file; an amendment is a complete "
            f"new version of the filing, made through the CARS portal at {self.portal_url}.",
            contact_paragraph(self.number, self.portal_url),
        ]
