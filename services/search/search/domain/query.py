"""A public search request, its answer, and the words taken from what a person typed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.domain.documents import SearchDocument

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_TERMS = 16

# Letters and digits only: every other character separates words, so no input can carry query syntax.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchQuery:
    """`text` None lists the newest documents; `kind` None searches every kind."""

    text: str | None = None
    kind: str | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class SearchResults:
    """The best `documents` first, and how many documents match in all."""

    documents: list[SearchDocument]
    count: int


def search_terms(text: str) -> list[str]:
    """The words of `text`, at most MAX_TERMS of them, duplicates dropped."""
    terms: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms
