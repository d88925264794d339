"""The Entity Access Code Letter: what it says, and the rules of the print queue it waits in until mailed.

The code in it is a secret: it lives only in the rendered letter, which is kept only while the letter waits to
be mailed. Every other record of the letter (what staff list, the print-queue log) leaves the code out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from correspondence.domain.formatting import long_date

KIND = "entity_access_code_letter"
TITLE = "Entity Access Code"

# Where a letter stands. Only a letter awaiting mailing holds its rendered PDF (and so the code).
AWAITING_MAILING = "awaiting_mailing"
UNDELIVERABLE = "undeliverable"
MAILED = "mailed"
SUPERSEDED = "superseded"
EXPIRED = "expired"
RESOLVED = "resolved"
STATUSES = (AWAITING_MAILING, UNDELIVERABLE, MAILED, SUPERSEDED, EXPIRED, RESOLVED)
# Letters a newer code for the same entity replaces: they have not reached anyone yet.
OPEN_STATUSES = frozenset({AWAITING_MAILING, UNDELIVERABLE})
# What staff do to letters, as the print-queue log records it.
PRINTED = "printed"
LOG_ACTIONS = (PRINTED, MAILED, RESOLVED)


class LetterRuleBroken(Exception):
    """A print-queue action breaks a rule of access code letters; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidMailingDate(LetterRuleBroken):
    """The day given as the mailing day cannot be it."""


@dataclass(frozen=True)
class MailingAddress:
    """An entity's address of record, as accounts knows it."""

    street: str
    city: str
    state: str
    zip: str

    def lines(self) -> list[str]:
        """The address as printed in the recipient block (US postal layout)."""
        return [self.street, f"{self.city}, {self.state} {self.zip}"]


@dataclass(frozen=True)
class EntityAccessCodeLetter:
    """A letter mailed to a migrated entity's address of record with the single-use code that claims it."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str
    address: MailingAddress
    # Kept out of repr so that no traceback or log line ever shows it.
    access_code: str = field(repr=False)
    expires_on: date
    portal_url: str

    @property
    def title(self) -> str:
        return TITLE

    @property
    def subject(self) -> str:
        """The PDF's subject metadata: which entity, never the code."""
        return f"Access code to claim {self.entity_name} (ID {self.entity_id}) in CARS"

    def recipient_lines(self) -> list[str]:
        return [self.entity_name, *self.address.lines()]

    def introduction(self) -> str:
        """What the letter is and why it came, before the code."""
        return (
            f"The records of the entity addressed above, entity ID {self.entity_id}, have moved from CAL-ACCESS "
            "to CARS, the Secretary of State's new disclosure system. This letter is mailed to the entity's "
            "address of record. The code below lets one person connect the entity to their CARS account as its "
            "officer: the person who files for it and decides who else may act for it."
        )

    def code_lines(self) -> tuple[str, str]:
        """The code and how long it is valid, printed set apart so it is easy to copy."""
        return (f"Access code: {self.access_code}", f"Valid through {long_date(self.expires_on)}")

    def instructions(self) -> list[str]:
        """How to claim the entity, step by step."""
        return [
            f"1. Go to {self.portal_url} and sign in, or create an account and confirm your e-mail address.",
            f"2. Ask to link your account to entity ID {self.entity_id} as its officer and enter the code above "
            "(capital or small letters, spaces and dashes make no difference). The link is approved at once.",
            "3. Before you file for the entity, set up the second sign-in step (an authenticator app) when CARS "
            "asks for it.",
        ]

    def closing(self) -> list[str]:
        """When the code stops working, keeping it safe, and what to do if the letter was not expected."""
        return [
            f"The code works once, until {long_date(self.expires_on)}; the code of a newer letter replaces it. "
            "Give it only to the person who will be responsible for the entity's filings. The Division never "
            "asks for the code by telephone or e-mail.",
            "If you did not expect this letter, do not use the code. Contact the Political Reform Division "
            f"through {self.portal_url}, quoting correspondence number {self.number}, so that the code can be "
            "withdrawn.",
        ]


def _words(status: str) -> str:
    return status.replace("_", " ")


def status_on_arrival(has_address: bool, newer_code_known: bool) -> str:
    """Where a newly received code's letter starts: replaced already, undeliverable, or in the print queue."""
    if newer_code_known:
        return SUPERSEDED
    return AWAITING_MAILING if has_address else UNDELIVERABLE


def holds_document(status: str) -> bool:
    """Only a letter waiting to be mailed keeps its PDF; once it leaves that state the PDF is destroyed."""
    return status == AWAITING_MAILING


def is_expired(expires_on: date, today: date) -> bool:
    """A code is valid through its expiry date, so it expires the day after."""
    return today > expires_on


def check_printable(number: str, status: str, expires_on: date, today: date) -> None:
    """Only a letter waiting to be mailed, whose code still works, is printed."""
    if status != AWAITING_MAILING:
        raise LetterRuleBroken(f"Letter {number} is {_words(status)}, not waiting to be mailed.", "letter_ids")
    if is_expired(expires_on, today):
        raise LetterRuleBroken(f"The code in letter {number} expired on {long_date(expires_on)}.", "letter_ids")


def check_mailable(number: str, status: str, print_count: int, received_on: date, mailed_on: date, today: date) -> None:
    """A letter is marked mailed once, after it was printed, on a day between its arrival and today."""
    if status != AWAITING_MAILING:
        raise LetterRuleBroken(f"Letter {number} is {_words(status)}, not waiting to be mailed.", "letter_ids")
    if print_count == 0:
        raise LetterRuleBroken(f"Letter {number} has not been printed yet; print it before mailing it.", "letter_ids")
    if mailed_on > today:
        raise InvalidMailingDate("A letter cannot be mailed on a future day.", "mailed_on")
    if mailed_on < received_on:
        raise InvalidMailingDate(f"Letter {number} did not exist yet on {long_date(mailed_on)}.", "mailed_on")


def check_resolvable(number: str, status: str) -> None:
    """Staff resolve only letters that could not be mailed for want of an address of record."""
    if status != UNDELIVERABLE:
        raise LetterRuleBroken(f"Letter {number} is {_words(status)}; only undeliverable letters are resolved.")
