"""Rules of taking in a submission: spaces, statuses, amendment chains, who may sign, sandbox entity IDs."""

from __future__ import annotations

from enum import StrEnum

from filings.domain.entities import may_file


class Space(StrEnum):
    """Where a submission and what it creates live: the public record, or a vendor's test sandbox."""

    PRODUCTION = "production"
    SANDBOX = "sandbox"


class SubmissionStatus(StrEnum):
    RECEIVED = "received"
    VALIDATING = "validating"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


DECIDED = frozenset({SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED})

ACCEPTED_FILING = "accepted"
"""The status of every stored filing version: only accepted submissions become filings."""

SANDBOX_ENTITY_PREFIX = "S"
SANDBOX_ENTITY_DIGITS = 7

VERIFICATION_STATEMENT = (
    "I have used all reasonable diligence in preparing this statement. I have reviewed it and to the best of my "
    "knowledge the information contained herein is true and complete. I certify under penalty of perjury under "
    "the laws of the State of California that the foregoing is true and correct."
)
"""What the signer agrees to by setting `verification.agrees` (the statement on California's forms)."""


def sandbox_entity_id(number: int) -> str:
    """The text ID of the `number`th sandbox entity: "S" and seven digits, never a production filer ID."""
    return f"{SANDBOX_ENTITY_PREFIX}{number:0{SANDBOX_ENTITY_DIGITS}d}"


def next_amendment(amends: int) -> int:
    """The number of the version that replaces version `amends`."""
    return amends + 1


AMENDED_FILING = "amends.filing_id"
AMENDED_VERSION = "amends.amendment"


def amendment_problem(
    *,
    latest: int | None,
    amends: int,
    filing_entity_id: str | None,
    filing_form: str | None,
    entity_id: str | None,
    form: str,
) -> tuple[str, str] | None:
    """Why an amendment of version `amends` cannot replace the filing as it stands, as (path, message), or None.

    `latest` is the filing's newest version (None: no such filing in this space); an amendment must name the
    newest version, so two amendments written from the same version cannot both be accepted.
    """
    if latest is None:
        return AMENDED_FILING, "No filing has this ID."
    if filing_entity_id != entity_id:
        return AMENDED_FILING, f"The filing amended belongs to another entity than {entity_id}."
    if filing_form != form:
        return AMENDED_FILING, f"The filing amended is a {filing_form}; an amendment must be of the same form."
    if amends != latest:
        message = f"Amendment {amends} is not the current version of this filing; the current version is {latest}."
        return AMENDED_VERSION, message
    return None


def person_signer_problem(signer_id: str, submitted_by: str) -> str | None:
    """A person files in their own name: the verification is theirs."""
    if signer_id != submitted_by:
        return "The signer must be the person submitting the filing."
    return None


def vendor_signer_problem(signer_id: str, entity_id: str, signer_role: str | None) -> str | None:
    """Vendor software files for an entity: its signer must be an officer or agent of the entity right now."""
    if not may_file(signer_role):
        return f"The signer {signer_id} is not an officer or agent of entity {entity_id}."
    return None


def form_entity_problem(form: str, entity_types: tuple[str, ...], entity_type: str) -> str | None:
    """A form is filed only by the entity types it declares (none declared: any entity)."""
    if entity_types and entity_type not in entity_types:
        return f"Form {form} is not filed by a {entity_type.replace('_', ' ')}."
    return None
