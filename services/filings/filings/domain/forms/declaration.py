"""How a form is declared as data: its parts, their fields, and the rules between them.

A new form is a `FormDeclaration`; the checker, the public view and the plain-language names all read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class FormKind(StrEnum):
    REGISTRATION = "registration"
    REPORT = "report"


class Level(StrEnum):
    """How bad a problem is: an error rejects the filing, a warning is accepted and shown."""

    ERROR = "error"
    WARNING = "warning"


class FieldType(StrEnum):
    TEXT = "text"
    AMOUNT = "amount"
    """Dollars and cents, sent as a decimal string such as "1500.00"."""
    DATE = "date"
    CODE = "code"
    """One of the field's `choices`."""
    BOOLEAN = "boolean"
    INTEGER = "integer"
    EMAIL = "email"
    STATE = "state"
    ZIP = "zip"
    ENTITY_ID = "entity_id"
    """A CARS or legacy CAL-ACCESS filer ID, always text."""


class PartKind(StrEnum):
    RECORD = "record"
    """One record, such as a cover page or a summary page."""
    LINES = "lines"
    """A list of line items, such as Schedule A."""


@dataclass(frozen=True)
class FieldIs:
    """A record's or line's `field` holds one of `values` (such as a contributor who is an individual)."""

    field: str
    values: tuple[str, ...]

    def holds(self, record: dict) -> bool:
        return record.get(self.field) in self.values


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    """The plain-language name shown to the public and in problems."""
    type: FieldType = FieldType.TEXT
    required: bool = False
    public: bool = True
    """False keeps the field out of every public view and every event search reads."""
    max_length: int = 200
    choices: tuple[str, ...] = ()
    within_period: bool = False
    """A date that must fall inside the filing's period (an error otherwise)."""
    signed: bool = False
    """An amount that may be negative (a net change, a cash balance); amounts are otherwise at least zero."""
    private_when: FieldIs | None = None
    """Kept out of public views in the records where this holds, or where its field is not filled in."""


@dataclass(frozen=True)
class FieldRef:
    part: str
    field: str

    def __str__(self) -> str:
        return f"{self.part}.{self.field}"


@dataclass(frozen=True)
class RequiredWhen:
    """Fields a record or line must fill in when `amount_field` is at least `at_least` (itemization)."""

    fields: tuple[str, ...]
    amount_field: str
    at_least: Decimal
    level: Level = Level.ERROR
    only_if: FieldIs | None = None
    """Applies only to the records where this holds (occupation and employer of individuals)."""


@dataclass(frozen=True)
class AtLeastField:
    """A record's or line's `field` should be at least its `other` (a cumulative amount includes this one)."""

    field: str
    other: str
    level: Level = Level.WARNING


@dataclass(frozen=True)
class MinimumAmount:
    """A line's `field` should be at least `at_least`; `reason` tells the filer why (a 24-hour report threshold)."""

    field: str
    at_least: Decimal
    reason: str
    level: Level = Level.WARNING


Condition = RequiredWhen | AtLeastField | MinimumAmount


@dataclass(frozen=True)
class PartSpec:
    name: str
    label: str
    kind: PartKind
    fields: tuple[FieldSpec, ...]
    required: bool = False
    public: bool = True
    """False keeps the whole part out of public views (its fields' own flags are then ignored)."""
    conditions: tuple[Condition, ...] = ()
    max_lines: int = 100_000

    def field_named(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"part {self.name!r} has no field {name!r}")


@dataclass(frozen=True)
class SumOfLines:
    """A total must equal the sum of one field over a lines part (summary totals equal their schedules).

    `plus` and `less` add and subtract further amounts: a record's field, or the sum of a lines part's field
    (unitemized contributions, loans repaid).
    """

    total: FieldRef
    lines: FieldRef
    level: Level = Level.ERROR
    plus: tuple[FieldRef, ...] = ()
    less: tuple[FieldRef, ...] = ()


@dataclass(frozen=True)
class SumOfFields:
    """A total must equal the sum of other fields (a summary line adding up earlier lines)."""

    total: FieldRef
    addends: tuple[FieldRef, ...]
    level: Level = Level.ERROR
    less: tuple[FieldRef, ...] = ()
    """Fields subtracted from the addends (an ending cash balance less the payments)."""


@dataclass(frozen=True)
class PeriodMatchesCalendar:
    """The filing's period should be one the filing calendar defines for this form."""

    level: Level = Level.WARNING


@dataclass(frozen=True)
class OneOfParts:
    """At least one of these parts must be filled in (a 24-hour report lists something)."""

    parts: tuple[str, ...]
    level: Level = Level.ERROR


Rule = SumOfLines | SumOfFields | PeriodMatchesCalendar | OneOfParts


class EntityEffect(StrEnum):
    """What accepting a registration does to its filing entity."""

    REGISTERS = "registers"
    """The original creates the entity; an amendment updates it."""
    REGISTERS_ON_FIRST_FILING = "registers_on_first_filing"
    """A report of filers who have no registration form: an original filed without entity_id creates the
    entity from `entity_fields`; a report naming its entity, and every amendment, leaves the entity as it is."""
    NONE = "none"


@dataclass(frozen=True)
class FormDeclaration:
    code: str
    name: str
    kind: FormKind
    description: str = ""
    entity_types: tuple[str, ...] = ()
    """The entity types that file this form (for a registration: the types it may register)."""
    parts: tuple[PartSpec, ...] = ()
    rules: tuple[Rule, ...] = ()
    has_period: bool = False
    """Reports cover a period (start and end dates); most registrations do not."""
    effect: EntityEffect = EntityEffect.NONE
    entity_fields: dict[str, FieldRef] = field(default_factory=dict)
    """For a registration, or a report registering its filer on first filing: the entity's record (name,
    entity_type, street, ...) read from these fields."""
    terminates: FieldRef | None = None
    """For a registration: a date field that, when filled in, terminates the entity from that date."""
    totals: tuple[FieldRef, ...] = ()
    """The amounts published with the filing (in filing_accepted and to search).

    A record's field is published under the field's name; a lines part's field as the sum over its lines,
    under the part's name.
    """
    reported_activity: tuple[str, ...] = ()
    """Published totals (names from `totals`) whose sum is the cumulative amount a filing of this form reports.

    A late filing's fine is capped at the greater of this amount and a minimum (Gov. Code 91013); each form
    says in its declaration which totals it counts. Empty: the form reports no such amount (registrations).
    """

    def reported_amount(self, totals: Mapping[str, str | Decimal]) -> Decimal | None:
        """The cumulative amount a filing reports, from its published totals; None when the form declares none
        or a total it counts is missing or not a number (a filing stored without its totals)."""
        if not self.reported_activity:
            return None
        try:
            return sum((Decimal(totals[name]) for name in self.reported_activity), Decimal("0.00"))
        except (KeyError, InvalidOperation, TypeError):
            return None

    def part_named(self, name: str) -> PartSpec:
        for part in self.parts:
            if part.name == name:
                return part
        raise KeyError(f"form {self.code} has no part {name!r}")
