"""Lobbying forms: registrations (601-604, 606, 607) and reports (615, 625, 635, 645)."""

from __future__ import annotations

from filings.domain.forms.declaration import FormDeclaration, FormKind

DECLARATIONS: tuple[FormDeclaration, ...] = (
    FormDeclaration("F601", "Lobbying Firm Registration", FormKind.REGISTRATION),
    FormDeclaration("F603", "Lobbyist Employer Registration", FormKind.REGISTRATION),
    FormDeclaration("F604", "Lobbyist Certification", FormKind.REGISTRATION),
    FormDeclaration("F615", "Lobbyist Report", FormKind.REPORT),
    FormDeclaration("F625", "Lobbying Firm Report", FormKind.REPORT),
    FormDeclaration("F635", "Lobbyist Employer Report", FormKind.REPORT),
    FormDeclaration("F645", "Report of Person Spending $5,000 or More", FormKind.REPORT),
)
