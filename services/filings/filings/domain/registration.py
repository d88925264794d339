"""What an accepted registration does to its filing entity: the record it states, what changed, its end."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from filings.domain.forms import FORMS
from filings.domain.forms.declaration import EntityEffect, FieldRef, FormDeclaration

ENTITY_RECORD_FIELDS: tuple[str, ...] = (
    "name",
    "entity_type",
    "street",
    "city",
    "state",
    "zip",
    "email",
    "treasurer_name",
)
"""The fields of an entity's record that a registration may state (`FormDeclaration.entity_fields` keys)."""

ALWAYS_PUBLIC: frozenset[str] = frozenset({"name", "entity_type"})


def registers(form: FormDeclaration) -> bool:
    """Whether accepting the form creates (original) or updates (amendment) its entity's record."""
    return form.effect == EntityEffect.REGISTERS


def _value(records: Mapping[str, Mapping[str, Any]], ref: FieldRef) -> Any:
    record = records.get(ref.part)
    return record.get(ref.field) if isinstance(record, Mapping) else None


def stated_record(form: FormDeclaration, records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The entity's record as the registration states it; a form registering one type of entity implies it."""
    record = {name: _value(records, ref) for name, ref in form.entity_fields.items() if name in ENTITY_RECORD_FIELDS}
    if record.get("entity_type") is None and len(form.entity_types) == 1:
        record["entity_type"] = form.entity_types[0]
    return record


def changed_fields(current: Mapping[str, Any], stated: Mapping[str, Any]) -> list[str]:
    """The record's fields whose stated value differs from the current one, in the record's order."""
    return [name for name in ENTITY_RECORD_FIELDS if name in stated and current.get(name) != stated[name]]


def termination_date(form: FormDeclaration, records: Mapping[str, Mapping[str, Any]]) -> date | None:
    """The date from which the filing ends its entity, when the form declares one and it is filled in."""
    if form.terminates is None:
        return None
    value = _value(records, form.terminates)
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _public_in(form: FormDeclaration, ref: FieldRef) -> bool:
    try:
        part = form.part_named(ref.part)
        spec = part.field_named(ref.field)
    except KeyError:
        return False
    return part.public and spec.public and spec.private_when is None


def public_entity_fields(entity_type: str, forms: Mapping[str, FormDeclaration] = FORMS) -> frozenset[str]:
    """The record fields the public may see of an entity of this type: those public on every form registering it.

    A lobbyist's home street address is private on the Form 604, so it stays out of the public entity record.
    """
    registering = [
        form
        for form in forms.values()
        if registers(form) and (not form.entity_types or entity_type in form.entity_types)
    ]
    public = set(ENTITY_RECORD_FIELDS) - ALWAYS_PUBLIC if registering else set()
    for form in registering:
        public &= {name for name, ref in form.entity_fields.items() if _public_in(form, ref)}
    return frozenset(public | ALWAYS_PUBLIC)
