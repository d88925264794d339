"""Campaign forms: registrations (410, 501) and disclosure reports (460, 461, 496, 497, 450)."""

from __future__ import annotations

from filings.domain.forms.declaration import FormDeclaration, FormKind

DECLARATIONS: tuple[FormDeclaration, ...] = (
    FormDeclaration("F410", "Statement of Organization", FormKind.REGISTRATION),
    FormDeclaration("F460", "Recipient Committee Campaign Statement", FormKind.REPORT),
    FormDeclaration("F461", "Major Donor and Independent Expenditure Committee Statement", FormKind.REPORT),
    FormDeclaration("F496", "24-Hour Independent Expenditure Report", FormKind.REPORT),
    FormDeclaration("F497", "24-Hour Contribution Report", FormKind.REPORT),
    FormDeclaration("F501", "Candidate Intention Statement", FormKind.REGISTRATION),
)
