"""The forms CARS accepts, as data: code, plain-language name and kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FormKind(StrEnum):
    REGISTRATION = "registration"
    REPORT = "report"


@dataclass(frozen=True)
class FormDeclaration:
    code: str
    name: str
    kind: FormKind


FORMS: dict[str, FormDeclaration] = {
    form.code: form
    for form in (
        FormDeclaration("F410", "Statement of Organization", FormKind.REGISTRATION),
        FormDeclaration("F460", "Recipient Committee Campaign Statement", FormKind.REPORT),
        FormDeclaration("F461", "Major Donor and Independent Expenditure Committee Statement", FormKind.REPORT),
        FormDeclaration("F496", "24-Hour Independent Expenditure Report", FormKind.REPORT),
        FormDeclaration("F497", "24-Hour Contribution Report", FormKind.REPORT),
        FormDeclaration("F501", "Candidate Intention Statement", FormKind.REGISTRATION),
        FormDeclaration("F601", "Lobbying Firm Registration", FormKind.REGISTRATION),
        FormDeclaration("F603", "Lobbyist Employer Registration", FormKind.REGISTRATION),
        FormDeclaration("F604", "Lobbyist Certification", FormKind.REGISTRATION),
        FormDeclaration("F615", "Lobbyist Report", FormKind.REPORT),
        FormDeclaration("F625", "Lobbying Firm Report", FormKind.REPORT),
        FormDeclaration("F635", "Lobbyist Employer Report", FormKind.REPORT),
        FormDeclaration("F645", "Report of Person Spending $5,000 or More", FormKind.REPORT),
    )
}

STATEMENT_OF_ORGANIZATION = FORMS["F410"]
CAMPAIGN_STATEMENT = FORMS["F460"]


def form_named(code: str) -> FormDeclaration:
    """The declaration of form `code` (a KeyError names an unknown form)."""
    try:
        return FORMS[code]
    except KeyError:
        raise KeyError(f"unknown form {code!r}") from None
