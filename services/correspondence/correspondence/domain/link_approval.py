"""The Link approval letter: a person may now act for an entity, in which role, who approved it, how to end it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from correspondence.domain.formatting import long_datetime
from correspondence.domain.notice import contact_paragraph

KIND = "link_approval"
TITLE = "Link Approval"

# What each role on an entity lets its holder do in CARS.
ROLE_NAMES = {"officer": "Officer", "agent": "Agent", "viewer": "Viewer"}
ROLE_ALLOWS = {
    "officer": (
        "file and amend the entity's statements and reports, pay its fees, read its correspondence, approve, "
        "deny or end other people's links to it and change their roles, and authorise filing software vendors "
        "to file for it"
    ),
    "agent": "file and amend the entity's statements and reports, pay its fees and read its correspondence",
    "viewer": (
        "read the entity's filings (with their private fields), its fees and its correspondence; a viewer "
        "cannot file or pay"
    ),
}
# Who approved, by the way the link came to be approved (accounts' `approval`).
APPROVED_BY = {
    "officer": "An officer of the entity",
    "staff": "Political Reform Division staff",
    "registration": "Granted on registering the entity",
    "access_code": "Claimed with the entity's mailed access code",
}
UNSTATED_APPROVAL = "Approved in CARS"


def cause_of_link_approval(event_id: str) -> str:
    """The cause recorded on the letter: the approval event, so each approval yields one letter.

    A link ended and later approved again is a new approval, and so a new letter, under the same link id.
    """
    return f"accounts.entity_link_approved:{event_id}"


@dataclass(frozen=True)
class LinkApproval:
    """Tells one person their link to an entity was approved: the role, what it allows, and how to end it."""

    number: str
    issued_on: date
    user_id: str
    entity_id: str
    entity_name: str | None
    role: str
    approval: str | None
    approved_at: datetime
    link_id: str | None
    portal_url: str

    @property
    def title(self) -> str:
        return TITLE

    @property
    def subject(self) -> str:
        return f"Link approved: {self.role_name} of {self.entity_words}"

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role.capitalize())

    @property
    def entity_words(self) -> str:
        """The entity as a sentence names it: its name and ID, or the ID alone when no name is known here."""
        return f"{self.entity_name} (filer ID {self.entity_id})" if self.entity_name else f"filer ID {self.entity_id}"

    def recipient_lines(self) -> list[str]:
        return ["CARS account holder", f"Account ID {self.user_id}"]

    def facts(self) -> list[tuple[str, str]]:
        facts = [
            ("Entity", self.entity_name or "(name not yet on record)"),
            ("Filer ID", self.entity_id),
            ("Role granted", self.role_name),
            ("Approved by", APPROVED_BY.get(self.approval or "", UNSTATED_APPROVAL)),
            ("Approved on", long_datetime(self.approved_at)),
        ]
        if self.link_id:
            facts.append(("Link reference", self.link_id))
        return facts

    def paragraphs(self) -> list[str]:
        allows = ROLE_ALLOWS.get(self.role, "act for the entity as the role permits")
        return [
            f"Your CARS account is now linked to {self.entity_words} as {self.role_name.lower()}. "
            f"{self._approval_sentence()}",
            f"As {_article(self.role_name)} {self.role_name.lower()} you may {allows}. Everything you do for the "
            "entity is recorded under your own account.",
            "You may end this link at any time under Entity links in your CARS account at "
            f"{self.portal_url}; the entity's officers and Division staff may also end it or change its role. "
            "Ending a link takes effect at once.",
            "If you did not ask to act for this entity, end the link at once.",
            contact_paragraph(self.number, self.portal_url),
        ]

    def _approval_sentence(self) -> str:
        when = long_datetime(self.approved_at)
        sentences = {
            "officer": f"One of the entity's officers approved your request on {when}.",
            "staff": f"Political Reform Division staff approved your request on {when}.",
            "registration": f"You became its officer by registering the entity on {when}.",
            "access_code": f"You claimed the entity with the access code mailed to its address of record on {when}.",
        }
        return sentences.get(self.approval or "", f"The link was approved on {when}.")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
