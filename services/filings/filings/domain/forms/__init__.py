"""The forms CARS accepts, each declared as data (see `declaration`)."""

from __future__ import annotations

from filings.domain.forms import campaign, lobbying
from filings.domain.forms.declaration import FormDeclaration, FormKind

__all__ = ["FORMS", "FormDeclaration", "FormKind", "form_named"]

FORMS: dict[str, FormDeclaration] = {form.code: form for form in (*campaign.DECLARATIONS, *lobbying.DECLARATIONS)}

STATEMENT_OF_ORGANIZATION = FORMS["F410"]
CAMPAIGN_STATEMENT = FORMS["F460"]


def form_named(code: str) -> FormDeclaration:
    """The declaration of form `code` (a KeyError names an unknown form)."""
    try:
        return FORMS[code]
    except KeyError:
        raise KeyError(f"unknown form {code!r}") from None
