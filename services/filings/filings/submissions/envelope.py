"""Reading a submission's envelope (form, entity, what it amends) as it arrives, without loading its parts.

The gateway needs only these to decide who may submit it; the checker reads the whole document later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import ijson
import orjson

from filings.domain.forms import FORMS

ENTITY_ID = re.compile(r"[A-Za-z0-9]{1,20}")
FILING_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SCALARS = frozenset({"null", "boolean", "integer", "double", "number", "string"})
CONTAINER = object()
"""Stands for an object or array where a scalar was expected."""
PARSED_AT_ONCE_BYTES = 256 * 1024
"""Documents smaller than this (some 800 line items) are parsed whole; larger ones are streamed."""


class UnreadableSubmission(Exception):
    """The body is not a submission document whose envelope can be read; `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SubmittedEnvelope:
    form: str
    entity_id: str | None
    amends_filing_id: str | None
    amends_amendment: int | None


def _loaded_top_level_values(body: bytes) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """As `_top_level_values`, from the whole document parsed at once (a small one); None when the streaming
    parser is to read it instead: a document that is not a JSON object in UTF-8, whose problem it words.
    """
    try:
        # orjson refuses what JSON does not have (NaN, Infinity), invalid UTF-8 and integers past 64 bits.
        document = orjson.loads(body)
    except (orjson.JSONDecodeError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    top = {key: CONTAINER if isinstance(value, dict | list) else value for key, value in document.items()}
    amends = document.get("amends")
    if not isinstance(amends, dict):
        return top, None
    return top, {key: CONTAINER if isinstance(value, dict | list) else value for key, value in amends.items()}


def _top_level_values(body: bytes) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The document's top-level scalars and those of its `amends` object, streaming over everything else.

    A document smaller than `PARSED_AT_ONCE_BYTES` is parsed at once instead: C code building it whole is several
    times quicker than visiting its parsing events in Python, and its size bounds the memory.
    """
    if len(body) < PARSED_AT_ONCE_BYTES:
        loaded = _loaded_top_level_values(body)
        if loaded is not None:
            return loaded
    top: dict[str, Any] = {}
    amends: dict[str, Any] | None = None
    depth, key, amends_key = 0, None, None
    # Events without their paths: only the depth matters here, and a path per event costs more than the reading.
    events = ijson.basic_parse(body)
    try:
        first = next(events, None)
        if first is None or first[0] != "start_map":
            raise UnreadableSubmission("body", "The body must be a JSON object: the submission document.")
        depth = 1
        for event, value in events:
            if event == "map_key":
                if depth == 1:
                    key = value
                elif depth == 2 and key == "amends":
                    amends_key = value
            elif event in ("start_map", "start_array"):
                if depth == 1:
                    top[key] = CONTAINER
                    if key == "amends" and event == "start_map":
                        amends = {}
                elif depth == 2 and key == "amends" and amends is not None:
                    amends[amends_key] = CONTAINER
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            elif event in SCALARS:
                if depth == 1:
                    top[key] = value
                    if key == "amends":
                        amends = None
                elif depth == 2 and key == "amends" and amends is not None:
                    amends[amends_key] = value
    except ijson.JSONError as error:
        # The parser's message goes on to quote the body; its first line says what is wrong.
        reason = str(error).splitlines()[0] if str(error) else "it ends too soon"
        raise UnreadableSubmission("body", f"The body is not valid JSON: {reason}.") from None
    return top, amends


def read_envelope(body: bytes) -> SubmittedEnvelope:
    """The envelope of a submission document; UnreadableSubmission names the first field that is wrong."""
    top, amends = _top_level_values(body)
    form = top.get("form")
    if not isinstance(form, str) or form not in FORMS:
        raise UnreadableSubmission("form", f"Must be one of the forms CARS accepts: {', '.join(sorted(FORMS))}.")
    entity_id = top.get("entity_id")
    if entity_id is not None and (not isinstance(entity_id, str) or not ENTITY_ID.fullmatch(entity_id)):
        raise UnreadableSubmission("entity_id", "Must be a filer ID: up to 20 letters and digits.")
    if top.get("amends") is not None and amends is None:
        raise UnreadableSubmission("amends", "Must be an object naming the filing_id and the amendment it replaces.")
    if amends is None:
        return SubmittedEnvelope(form, entity_id, None, None)
    filing_id, amendment = amends.get("filing_id"), amends.get("amendment")
    if not isinstance(filing_id, str) or not FILING_ID.fullmatch(filing_id):
        raise UnreadableSubmission("amends.filing_id", "Must be the ID of the filing amended.")
    if isinstance(amendment, bool) or not isinstance(amendment, int) or amendment < 0:
        raise UnreadableSubmission("amends.amendment", "Must be the number of the version amended (0 or more).")
    return SubmittedEnvelope(form, entity_id, filing_id, amendment)
