"""The public view of a filing: only what the form's declaration marks public ever leaves the service.

A field is public unless declared otherwise, or unless it is private for the record at hand (an individual
contributor's street address); a whole part may be private. Unknown parts and fields are never public, so
data stored under an older declaration cannot leak.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from filings.domain.forms import form_named
from filings.domain.forms.declaration import FieldIs, FormDeclaration, PartSpec


def _declaration(form: FormDeclaration | str) -> FormDeclaration:
    return form_named(form) if isinstance(form, str) else form


def _part(form: FormDeclaration | str, part_name: str) -> PartSpec | None:
    try:
        return _declaration(form).part_named(part_name)
    except KeyError:
        return None


def is_public_part(form: FormDeclaration | str, part_name: str) -> bool:
    """Whether a part of the form (given by declaration or code) appears in public views at all."""
    part = _part(form, part_name)
    return part is not None and part.public


@functools.cache
def _public_fields(part: PartSpec) -> tuple[tuple[str, FieldIs | None], ...]:
    """The part's public fields, each with the condition that makes it private in a record, if any."""
    if not part.public:
        return ()
    return tuple((spec.name, spec.private_when) for spec in part.fields if spec.public)


def public_record(form: FormDeclaration | str, part_name: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The public fields of one record or line of a part; empty for a private or unknown part."""
    part = _part(form, part_name)
    if part is None:
        return {}
    public = {}
    for name, private_when in _public_fields(part):
        if name not in record:
            continue
        # Private when the condition holds, and when the record does not say (a contributor of unknown type).
        if private_when is not None and (record.get(private_when.field) is None or private_when.holds(record)):
            continue
        public[name] = record[name]
    return public


def public_records(form: FormDeclaration | str, records: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The public view of a filing's record parts (cover, summary), private parts left out."""
    return {name: public_record(form, name, record) for name, record in records.items() if is_public_part(form, name)}


def public_entity_fields(form: FormDeclaration | str) -> frozenset[str]:
    """The entity fields a registration fills from public fields; the others (a notice email) stay private."""
    declaration = _declaration(form)
    public = set()
    for name, ref in declaration.entity_fields.items():
        part = _part(declaration, ref.part)
        if part is None or not part.public:
            continue
        spec = part.field_named(ref.field)
        if spec.public and spec.private_when is None:
            public.add(name)
    return frozenset(public)
