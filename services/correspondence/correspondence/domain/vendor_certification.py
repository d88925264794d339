"""The Vendor Certification letter, and its counterpart when staff withdraw a certification.

Both go to each person who manages the vendor, one letter each, as accounts names them in the event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from correspondence.domain.formatting import label_words, long_datetime
from correspondence.domain.notice import contact_paragraph

KIND = "vendor_certification"
WITHDRAWAL_KIND = "vendor_decertification"
TITLE = "Vendor Certification"
WITHDRAWAL_TITLE = "Vendor Certification Withdrawn"


def cause_of_certification(event_id: str, user_id: str) -> str:
    """The cause recorded on each manager's letter: one letter per certification event and manager."""
    return f"accounts.vendor_certified:{event_id}:{user_id}"


def cause_of_withdrawal(event_id: str, user_id: str) -> str:
    """The cause recorded on each manager's letter when the certification is withdrawn."""
    return f"accounts.vendor_decertified:{event_id}:{user_id}"


def scenario_words(scenarios: Sequence[str]) -> str:
    """The scenarios passed as a letter lists them: 'original_460' -> 'Original 460'."""
    return "; ".join(label_words(scenario) for scenario in scenarios)


@dataclass(frozen=True)
class VendorCertification:
    """Tells a vendor's manager that staff certified the vendor's software for production filing."""

    number: str
    issued_on: date
    user_id: str
    vendor_id: str
    vendor_name: str
    certified_at: datetime
    certified_by: str
    scenarios_passed_at: datetime | None
    scenarios: tuple[str, ...]
    portal_url: str

    @property
    def title(self) -> str:
        return TITLE

    @property
    def subject(self) -> str:
        return f"{self.vendor_name} certified for production filing in CARS"

    def recipient_lines(self) -> list[str]:
        return [f"Manager of {self.vendor_name}", f"Account ID {self.user_id}"]

    def facts(self) -> list[tuple[str, str]]:
        facts = [
            ("Vendor", self.vendor_name),
            ("Vendor ID", self.vendor_id),
            ("Certified on", long_datetime(self.certified_at)),
            ("Scope granted", "Production (in addition to the sandbox)"),
            ("Certified by", f"Political Reform Division staff (user {self.certified_by})"),
        ]
        if self.scenarios_passed_at is not None:
            facts.append(("Scenarios passed on", long_datetime(self.scenarios_passed_at)))
        if self.scenarios:
            facts.append(("Scenarios passed", scenario_words(self.scenarios)))
        return facts

    def paragraphs(self) -> list[str]:
        return [
            f"The Political Reform Division has certified {self.vendor_name}'s filing software for use in "
            f"production, having found that its sandbox submissions passed every certification scenario.",
            "From now on your API keys may be exchanged for production access tokens. Your software files in "
            "production only for the entities whose officers have authorised your organisation, and every filing "
            "it sends is checked on arrival like any other.",
            "Certification may be withdrawn if your software's filings stop meeting the requirements; production "
            "access then ends at once, and the sandbox stays open to you.",
            contact_paragraph(self.number, self.portal_url),
        ]


@dataclass(frozen=True)
class VendorCertificationWithdrawal:
    """Tells a vendor's manager that staff withdrew the vendor's certification, and why."""

    number: str
    issued_on: date
    user_id: str
    vendor_id: str
    vendor_name: str | None
    withdrawn_at: datetime
    withdrawn_by: str
    reason: str
    portal_url: str

    @property
    def vendor_words(self) -> str:
        return self.vendor_name or f"vendor {self.vendor_id}"

    @property
    def title(self) -> str:
        return WITHDRAWAL_TITLE

    @property
    def subject(self) -> str:
        return f"Production certification of {self.vendor_words} withdrawn"

    def recipient_lines(self) -> list[str]:
        return [f"Manager of {self.vendor_words}", f"Account ID {self.user_id}"]

    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Vendor", self.vendor_name or "(name not given)"),
            ("Vendor ID", self.vendor_id),
            ("Withdrawn on", long_datetime(self.withdrawn_at)),
            ("Scope remaining", "Sandbox only"),
            ("Withdrawn by", f"Political Reform Division staff (user {self.withdrawn_by})"),
            ("Reason", self.reason or "(none recorded)"),
        ]

    def paragraphs(self) -> list[str]:
        return [
            f"The Political Reform Division has withdrawn the production certification of {self.vendor_words}'s "
            "filing software. Production access ended at once: your API keys now give sandbox access tokens only, "
            "and submissions your software sends to production are refused.",
            "Filings already accepted stand. The entities you filed for may file themselves in the CARS portal "
            "or through another certified vendor's software.",
            "To be certified again, pass the certification scenarios in the sandbox once more and ask the Division "
            f"to review your software; the scenarios are listed in the CARS portal at {self.portal_url}.",
            contact_paragraph(self.number, self.portal_url),
        ]
