"""What every issued notice offers its template: who it is to, what it is, the facts it states, its wording."""

from __future__ import annotations

from datetime import date
from typing import Protocol


class Notice(Protocol):
    """A notice addressed to an entity, as its PDF template reads it."""

    number: str
    issued_on: date
    entity_id: str

    @property
    def title(self) -> str: ...

    @property
    def subject(self) -> str: ...

    def recipient_lines(self) -> list[str]: ...

    def facts(self) -> list[tuple[str, str]]:
        """Labelled facts set out before the body (the figures a reader looks for first)."""
        ...

    def paragraphs(self) -> list[str]: ...


def recipient_lines_of(entity_id: str, entity_name: str | None) -> list[str]:
    """The recipient block of a notice to an entity; the ID alone when its name is not known here."""
    return [entity_name, f"Filer ID {entity_id}"] if entity_name else [f"Filer ID {entity_id}"]


def contact_paragraph(number: str, portal_url: str) -> str:
    """How to ask about a notice, quoting its number."""
    return (
        "If you have a question about this notice, or believe it was sent in error, contact the Political Reform "
        f"Division through the CARS portal at {portal_url}, quoting correspondence number {number}."
    )
