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


def may_create_entity(form: FormDeclaration) -> bool:
    """Whether an original of the form filed without entity_id creates its entity: a registration, or a report
    of filers without a registration form (Forms 635 and 645), whose first filing registers the filer."""
    return form.effect in (EntityEffect.REGISTERS, EntityEffect.REGISTERS_ON_FIRST_FILING)


def _value(records: Mapping[str, Mapping[str, Any]], ref: FieldRef) -> Any:
    record = records.get(ref.part)
    return record.get(ref.field) if isinstance(record, Mapping) else None


def stated_record(form: FormDeclaration, records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The entity's record as the registration states it; a form registering one type of entity implies it."""
    record = {name: _value(records, ref) for name, ref in form.entity_fields.items() if name in ENTITY_RECORD_FIELDS}
    if record.get("entity_type") is None and len(form.entity_types) == 1:
        record["entity_type"] = form.entity_types[0]
    return record


def identity_required(form: FormDeclaration) -> str:
    """What a filing creating its entity must state, naming the form's fields for the entity's name and type."""
    where = [f"{form.entity_fields[name]}" for name in ("name", "entity_type") if name in form.entity_fields]
    fields = f" ({', '.join(where)})" if where else ""
    return f"A filing that registers its filer must state the filer's name and type{fields}."


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
    """The record fields the public may see of an entity of this type: those that the forms which may register it
    (registrations, and reports registering their filer on first filing) state in public fields, and none in a
    private one.

    A lobbyist's home street address is private on the Form 604, so it stays out of the public entity record.
    """
    public, private = set(), set()
    for form in forms.values():
        if may_create_entity(form) and (not form.entity_types or entity_type in form.entity_types):
            for name, ref in form.entity_fields.items():
                (public if _public_in(form, ref) else private).add(name)
    return frozenset((public - private) & set(ENTITY_RECORD_FIELDS) | ALWAYS_PUBLIC)
