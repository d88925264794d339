"""A public search request, its answer, aggregates, and the words taken from what a person typed."""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from search.domain.documents import SearchDocument

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_TERMS = 16
MAX_FILTER_VALUES = 50
MAX_TOP = 100

# Orders a search can ask for; relevance falls back to newest first when there is no text. `filed` goes by when
# the record reached the public record (SearchDocument.recorded_at), `date` by its own date.
SORTS: tuple[str, ...] = ("relevance", "date", "-date", "amount", "-amount", "filed", "-filed")
# What aggregates group by.
GROUPINGS: tuple[str, ...] = ("contributor", "employer", "month", "zip", "entity")

# Letters and digits only: every other character separates words, so no input can carry query syntax.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchQuery:
    """What to find. Empty tuples and None mean "no filter"; values within one filter are alternatives (OR),
    filters together must all hold (AND). `after` is the opaque cursor of the previous page."""

    text: str | None = None
    kinds: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    schedules: tuple[str, ...] = ()
    entity_ids: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    zip_codes: tuple[str, ...] = ()
    employers: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    election_cycles: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    # Days the record reached the public record (SearchDocument.recorded_at: filing date, a filer's registration).
    filed_from: date | None = None
    filed_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    include_history: bool = False
    sort: str = "relevance"
    limit: int = DEFAULT_LIMIT
    after: str | None = None
    exact_count: bool = False


@dataclass(frozen=True)
class SearchResults:
    """One page of matches, how many match in all (exact or an estimate), and the cursor of the next page."""

    documents: list[SearchDocument]
    count: int
    count_exact: bool = True
    next_cursor: str | None = None


@dataclass(frozen=True)
class Bucket:
    """One group of an aggregate: its key (a name, a month 'YYYY-MM', a ZIP), summed amount and row count."""

    key: str
    total: Decimal
    count: int
    label: str | None = None
    """What the key names, when the key is an id (the entity's name for `entity`)."""


@dataclass(frozen=True)
class Aggregate:
    """Totals of the matching transactions grouped by `by`, largest total first, at most `top` groups."""

    by: str
    buckets: list[Bucket] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestion:
    """A name for typeahead: the entity (or contributor) name and what it is."""

    text: str
    kind: str
    entity_id: str | None = None


def search_terms(text: str) -> list[str]:
    """The words of `text`, at most MAX_TERMS of them, duplicates dropped."""
    terms: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms


def election_cycle_bounds(cycle: int) -> tuple[date, date]:
    """California's two-year election cycle ending in the even year `cycle`: January 1 of the odd year before it
    to December 31 of `cycle`."""
    if cycle % 2:
        raise ValueError(f"an election cycle is named by its even year, not {cycle}")
    return date(cycle - 1, 1, 1), date(cycle, 12, 31)


# Letters without a decomposition that Elasticsearch's asciifolding still folds, so both engines fold them alike.
_UNDECOMPOSED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})


def filter_key(value: str) -> str:
    """How string filters compare: case and diacritics folded, runs of spaces made one ('Peña  CA' -> 'pena ca',
    'SAN JOSÉ' -> 'san jose')."""
    if value.isascii():  # most values: the same result without decomposing
        return " ".join(value.lower().split())
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(_UNDECOMPOSED))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def zip5(value: str) -> str:
    """The 5-digit ZIP a ZIP filter matches on ('95814-1234' -> '95814')."""
    return "".join(char for char in value if char.isdigit())[:5]


class BadCursor(ValueError):
    """A cursor this API did not give out, or one of a different sort order."""


def encode_cursor(sort: str, key: object, document_id: str) -> str:
    """The opaque cursor after a document: its sort key and id (base64url of JSON)."""
    text = json.dumps([sort, key, document_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[object, str]:
    """The sort key and id a cursor holds; BadCursor when it was not given out for this sort."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor("Not a cursor this API gave out; pass `next_cursor` as it came.") from error
    if not (isinstance(decoded, list) and len(decoded) == 3 and isinstance(decoded[2], str)):
        raise BadCursor("Not a cursor this API gave out; pass `next_cursor` as it came.")
    if decoded[0] != sort:
        raise BadCursor(f"This cursor continues a search sorted by {decoded[0]!r}, not {sort!r}.")
    return decoded[1], decoded[2]


class ImpossibleQuery(ValueError):
    """A query no document could ever match, or one beyond the caps; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


FILTER_FIELDS: tuple[str, ...] = (
    "kinds",
    "entity_types",
    "forms",
    "schedules",
    "entity_ids",
    "cities",
    "states",
    "zip_codes",
    "employers",
    "occupations",
    "election_cycles",
)


def check_query(query: SearchQuery) -> None:
    """Refuse a query that can match nothing by construction or exceeds the caps (ImpossibleQuery)."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ImpossibleQuery("limit", f"A page holds 1 to {MAX_LIMIT} documents.")
    if query.sort not in SORTS:
        raise ImpossibleQuery("sort", f"Sort by one of {', '.join(SORTS)}.")
    for name in FILTER_FIELDS:
        if len(getattr(query, name)) > MAX_FILTER_VALUES:
            raise ImpossibleQuery(name, f"At most {MAX_FILTER_VALUES} values may be given.")
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise ImpossibleQuery("date_from", "The start date is after the end date.")
    if query.filed_from and query.filed_to and query.filed_from > query.filed_to:
        raise ImpossibleQuery("filed_from", "The first filing day is after the last one.")
    if query.amount_min is not None and query.amount_max is not None and query.amount_min > query.amount_max:
        raise ImpossibleQuery("amount_min", "The smallest amount is larger than the largest amount.")
    for cycle in query.election_cycles:
        if cycle % 2:
            raise ImpossibleQuery(
                "election_cycles", f"An election cycle is named by its even year: {cycle} is in the {cycle + 1} cycle."
            )
    for zip_code in query.zip_codes:
        if len(zip5(zip_code)) != 5:
            raise ImpossibleQuery("zip_codes", f"{zip_code!r} is not a ZIP code (5 digits, optionally -4 more).")
