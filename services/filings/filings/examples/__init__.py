"""Complete, valid submission documents for every form: the e-filing API's examples and certification's."""

from __future__ import annotations

import copy
from typing import Any

from filings.examples import campaign, lobbying

EXAMPLES: dict[str, dict[str, Any]] = {**campaign.EXAMPLES, **lobbying.EXAMPLES}


def example(form: str) -> dict[str, Any]:
    """A fresh copy of the valid example submission of `form` (callers may change it freely)."""
    try:
        return copy.deepcopy(EXAMPLES[form])
    except KeyError:
        raise KeyError(f"no example of form {form!r}") from None
