"""The rules of a filing, applied record by record and line by line as the checker reads them.

Types and formats are checked before these rules (by the checker's schemas); here are the rules of the
form itself: required fields, itemization, dates inside the period, amounts in dollars and cents, and
totals that must equal their schedules. Sums are kept as running totals so that line items never need
to be held in memory.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from filings.domain.forms.declaration import (
    AtLeastField,
    Condition,
    EntityEffect,
    FieldRef,
    FieldSpec,
    FieldType,
    FormDeclaration,
    Level,
    MinimumAmount,
    OneOfParts,
    PartKind,
    PartSpec,
    PeriodMatchesCalendar,
    RequiredWhen,
    SumOfFields,
    SumOfLines,
)
from filings.domain.periods import period_matches

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Problem:
    """One broken rule, naming where it is: the part, the line (from 1) and the field."""

    level: Level
    message: str
    part: str | None = None
    line: int | None = None
    field: str | None = None
    """Within a part, the field's name; outside the parts, the dotted path of the envelope (e.g. "period.end")."""

    @property
    def path(self) -> str:
        """Where the problem is in the submission document, e.g. "parts.schedule_a.12.employer"."""
        if self.part is None:
            return self.field or "body"
        steps = ["parts", self.part]
        if self.line is not None:
            steps.append(str(self.line))
        if self.field is not None:
            steps.append(self.field)
        return ".".join(steps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "path": self.path,
            "part": self.part,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class Verification:
    """Who signed the filing as true and complete (the signer agreed, or there is no verification)."""

    signer_id: str
    signer_name: str


@dataclass(frozen=True)
class Envelope:
    """What a submission is, outside its parts: the form, the entity, the period, what it amends, who signed."""

    form: FormDeclaration
    entity_id: str | None
    period_start: date | None
    period_end: date | None
    amends_filing_id: str | None
    amends_amendment: int | None
    verification: Verification | None

    @property
    def period(self) -> tuple[date, date] | None:
        """The period as (start, end) when both are known and in order."""
        if self.period_start is None or self.period_end is None or self.period_end < self.period_start:
            return None
        return self.period_start, self.period_end

    @property
    def is_amendment(self) -> bool:
        return self.amends_filing_id is not None

    @property
    def creates_entity(self) -> bool:
        """Whether accepting it creates a new filing entity: the original of a registration, or the first report
        of a filer without a registration form (filed without entity_id)."""
        if self.is_amendment:
            return False
        if self.form.effect is EntityEffect.REGISTERS_ON_FIRST_FILING:
            return self.entity_id is None
        return self.form.effect is EntityEffect.REGISTERS

    @property
    def names_no_entity(self) -> bool:
        """Whether it must leave entity_id out: the original of a registration always creates its entity."""
        return self.form.effect is EntityEffect.REGISTERS and not self.is_amendment


def is_whole_cents(amount: Decimal) -> bool:
    """Whether `amount` has at most two decimals (trailing zeros do not count)."""
    if amount.is_finite():
        try:
            # Quick for the usual amount; an amount of more digits than the context holds is looked at digit by digit.
            return amount == amount.quantize(CENT)
        except InvalidOperation:
            pass
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        return False
    excess = -2 - exponent
    return excess <= 0 or all(digit == 0 for digit in digits[-excess:])


def dollars(amount: Decimal) -> str:
    """An amount as dollars and cents, e.g. "1500.00" (negative zero shown as zero)."""
    return f"{(amount + ZERO).quantize(CENT)}"


def _in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Amount received" becomes "amount received"."""
    return label[:1].lower() + label[1:]


def _threshold(amount: Decimal) -> str:
    return f"${amount:,.2f}".removesuffix(".00")


def is_blank(value: object) -> bool:
    """An absent value: missing, null, or text of only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def period_problems(form: FormDeclaration, start: date, end: date) -> list[Problem]:
    """Whether a period is in order, and one the filing calendar defines for the form (when it asks so)."""
    if end < start:
        return [Problem(Level.ERROR, "The period must not end before it starts.", field="period.end")]
    found = []
    for rule in form.rules:
        if isinstance(rule, PeriodMatchesCalendar) and not period_matches(form.code, start, end):
            message = (
                f"{start.isoformat()} to {end.isoformat()} is not a reporting period of the filing calendar "
                f"for form {form.code}; check the dates."
            )
            found.append(Problem(rule.level, message, field="period"))
    return found


class _PartRules:
    """One part's field rules, sorted once so that each line is checked with little work."""

    def __init__(self, part: PartSpec, summed: Collection[str]) -> None:
        self.part = part
        self.required = tuple(spec for spec in part.fields if spec.required)
        self.amounts = tuple(spec for spec in part.fields if spec.type is FieldType.AMOUNT)
        self.in_period = tuple(spec for spec in part.fields if spec.type is FieldType.DATE and spec.within_period)
        required_names = {spec.name for spec in self.required}
        # A field required anyway is reported once, as required, not again by its itemization rule.
        self.itemization = tuple(
            (rule, tuple(name for name in rule.fields if name not in required_names))
            for rule in part.conditions
            if isinstance(rule, RequiredWhen)
        )
        self.at_least = tuple(rule for rule in part.conditions if isinstance(rule, AtLeastField))
        self.minimums = tuple(rule for rule in part.conditions if isinstance(rule, MinimumAmount))
        self.summed = tuple((name, FieldRef(part.name, name)) for name in summed)

    def label(self, name: str) -> str:
        return self.part.field_named(name).label


_SORTED_RULES: dict[int, tuple[FormDeclaration, list[FieldRef], dict[str, _PartRules]]] = {}


def _rules_of(form: FormDeclaration) -> tuple[list[FieldRef], dict[str, _PartRules]]:
    """The lines fields a form sums and its parts' sorted rules, worked out once per declaration.

    Declarations are not hashable (they hold a dict), so they are looked up by identity.
    """
    cached = _SORTED_RULES.get(id(form))
    if cached is None or cached[0] is not form:
        sums_needed = _lines_refs(form)
        rules = {
            part.name: _PartRules(part, [ref.field for ref in sums_needed if ref.part == part.name])
            for part in form.parts
        }
        cached = _SORTED_RULES[id(form)] = (form, sums_needed, rules)
    return cached[1], cached[2]


class FilingCheck:
    """The rules of one filing: call `record` and `line` as the parts are read, then `finish`."""

    def __init__(self, form: FormDeclaration, period: tuple[date, date] | None) -> None:
        self.form = form
        self._period = period
        sums_needed, self._rules = _rules_of(form)
        self._sums: dict[FieldRef, Decimal] = dict.fromkeys(sums_needed, ZERO)
        self._records: dict[str, dict[str, Any]] = {}
        self._filled: set[str] = set()
        # Fields whose value is wrong: the totals built on them are not checked (the field is reported instead).
        self._spoiled: set[FieldRef] = set()

    def record(self, part: str, values: Mapping[str, Any], invalid: Collection[str] = ()) -> list[Problem]:
        """The problems of a record part (typed `values`; `invalid` names fields that failed their type)."""
        rules = self._rules[part]
        found, wrong = self._field_problems(rules, values, None, invalid)
        self._records[part] = dict(values)
        self._filled.add(part)
        self._spoiled.update(FieldRef(part, name) for name in (*invalid, *wrong))
        return found

    def line(self, part: str, line: int, values: Mapping[str, Any], invalid: Collection[str] = ()) -> list[Problem]:
        """The problems of one line item, counted from 1; its amounts join the running totals."""
        rules = self._rules[part]
        found, wrong = self._field_problems(rules, values, line, invalid)
        self._filled.add(part)
        for name, ref in rules.summed:
            if name in invalid or name in wrong:
                self._spoiled.add(ref)
            else:
                amount = values.get(name)
                if amount is not None:
                    self._sums[ref] += amount
        return found

    def finish(self) -> list[Problem]:
        """The problems found once every part is read: missing parts and totals that do not add up."""
        found = [
            Problem(Level.ERROR, f"{part.label} is required.", part=part.name)
            for part in self.form.parts
            if part.required and part.name not in self._filled
        ]
        for rule in self.form.rules:
            if isinstance(rule, OneOfParts) and not any(name in self._filled for name in rule.parts):
                labels = " or ".join(self.form.part_named(name).label for name in rule.parts)
                found.append(Problem(rule.level, f"Fill in at least one of: {labels}.", field="parts"))
            elif isinstance(rule, SumOfLines):
                found.extend(self._sum_problems(rule.total, (rule.lines, *rule.plus), rule.less, rule.level))
            elif isinstance(rule, SumOfFields):
                found.extend(self._sum_problems(rule.total, rule.addends, rule.less, rule.level))
        return found

    def totals(self) -> dict[str, Decimal]:
        """The form's declared totals: a record field under its name, a lines part's sum under the part's name."""
        return {_total_name(self.form, ref): self._value(ref).quantize(CENT) + ZERO for ref in self.form.totals}

    def _field_problems(
        self, rules: _PartRules, values: Mapping[str, Any], line: int | None, invalid: Collection[str]
    ) -> tuple[list[Problem], set[str]]:
        part = rules.part.name
        found: list[Problem] = []
        wrong: set[str] = set()

        def problem(level: Level, name: str, message: str) -> None:
            found.append(Problem(level, message, part, line, name))

        for spec in rules.required:
            if spec.name not in invalid and is_blank(values.get(spec.name)):
                problem(Level.ERROR, spec.name, f"{spec.label} is required.")
        for spec in rules.amounts:
            amount = values.get(spec.name)
            if amount is None or ((amount >= 0 or spec.signed) and is_whole_cents(amount)):
                continue  # the usual case, told without building a list of messages
            for message in amount_messages(spec, amount):
                problem(Level.ERROR, spec.name, message)
                wrong.add(spec.name)
        if self._period is not None:
            start, end = self._period
            for spec in rules.in_period:
                day = values.get(spec.name)
                if day is not None and not start <= day <= end:
                    message = (
                        f"{spec.label} ({day.isoformat()}) must fall within the period, "
                        f"{start.isoformat()} to {end.isoformat()}."
                    )
                    problem(Level.ERROR, spec.name, message)
        for rule, fields in rules.itemization:
            amount = values.get(rule.amount_field)
            if amount is None or rule.amount_field in wrong or amount < rule.at_least:
                continue
            if rule.only_if is not None and not rule.only_if.holds(values):
                continue
            for name in fields:
                if name not in invalid and is_blank(values.get(name)):
                    message = (
                        f"{rules.label(name)} is required when {_in_sentence(rules.label(rule.amount_field))} "
                        f"is {_threshold(rule.at_least)} or more."
                    )
                    problem(rule.level, name, message)
        for rule in rules.at_least:
            value, other = values.get(rule.field), values.get(rule.other)
            if value is None or other is None or rule.field in wrong or rule.other in wrong or value >= other:
                continue
            message = (
                f"{rules.label(rule.field)} ({value}) is less than {_in_sentence(rules.label(rule.other))} ({other})."
            )
            problem(rule.level, rule.field, message)
        for rule in rules.minimums:
            value = values.get(rule.field)
            if value is not None and rule.field not in wrong and value < rule.at_least:
                problem(rule.level, rule.field, rule.reason)
        return found, wrong

    def _value(self, ref: FieldRef) -> Decimal:
        """A record field's amount (missing counts as zero), or the running sum of a lines part's field."""
        if ref in self._sums:
            return self._sums[ref]
        return self._records.get(ref.part, {}).get(ref.field) or ZERO

    def _sum_problems(
        self, total: FieldRef, addends: tuple[FieldRef, ...], less: tuple[FieldRef, ...], level: Level
    ) -> list[Problem]:
        refs = (total, *addends, *less)
        # A wrong or missing input would only make the total look wrong too: its own problem says enough.
        if any(ref in self._spoiled for ref in refs) or any(
            ref not in self._sums and ref.part not in self._records for ref in refs
        ):
            return []
        expected = sum((self._value(ref) for ref in addends), ZERO) - sum((self._value(ref) for ref in less), ZERO)
        actual = self._value(total)
        if actual == expected:
            return []
        terms = " plus ".join(self._describe(ref) for ref in addends)
        if less:
            terms += "".join(f" less {self._describe(ref)}" for ref in less)
        message = f"{self._label(total)} ({dollars(actual)}) must equal {terms} ({dollars(expected)})."
        return [Problem(level, message, total.part, None, total.field)]

    def _label(self, ref: FieldRef) -> str:
        return self.form.part_named(ref.part).field_named(ref.field).label

    def _describe(self, ref: FieldRef) -> str:
        if ref in self._sums:
            return f"the sum of {_in_sentence(self._label(ref))} on {self.form.part_named(ref.part).label}"
        return _in_sentence(self._label(ref))


def amount_messages(spec: FieldSpec, amount: Decimal) -> list[str]:
    """What is wrong with an amount: it is dollars and cents, and not negative unless the field is signed."""
    messages = []
    if amount < 0 and not spec.signed:
        messages.append(f"{spec.label} must not be negative.")
    if not is_whole_cents(amount):
        messages.append(f"{spec.label} must have at most two decimals (dollars and cents).")
    return messages


def _lines_refs(form: FormDeclaration) -> list[FieldRef]:
    """The lines fields whose sums the form's rules and totals need."""
    refs: list[FieldRef] = []
    for rule in form.rules:
        if isinstance(rule, SumOfLines):
            refs.extend((rule.total, rule.lines, *rule.plus, *rule.less))
        elif isinstance(rule, SumOfFields):
            refs.extend((rule.total, *rule.addends, *rule.less))
    refs.extend(form.totals)
    kinds = {part.name: part.kind for part in form.parts}
    return list(dict.fromkeys(ref for ref in refs if kinds.get(ref.part) is PartKind.LINES))


def _condition_fields(condition: Condition) -> tuple[str, ...]:
    if isinstance(condition, RequiredWhen):
        return (*condition.fields, condition.amount_field, *((condition.only_if.field,) if condition.only_if else ()))
    if isinstance(condition, AtLeastField):
        return condition.field, condition.other
    return (condition.field,)


def _total_name(form: FormDeclaration, ref: FieldRef) -> str:
    return ref.part if form.part_named(ref.part).kind is PartKind.LINES else ref.field


def declaration_mistakes(form: FormDeclaration) -> list[str]:
    """What is inconsistent in a declaration (a rule naming a field it lacks, a total that is not an amount)."""
    mistakes: list[str] = []
    parts = {part.name: part for part in form.parts}
    if len(parts) != len(form.parts):
        mistakes.append("two parts share a name")

    def field_of(ref: FieldRef, what: str) -> FieldSpec | None:
        part = parts.get(ref.part)
        spec = next((spec for spec in part.fields if spec.name == ref.field), None) if part else None
        if spec is None:
            mistakes.append(f"{what} {ref} names no field of the form")
        return spec

    def amount_ref(ref: FieldRef, what: str) -> None:
        spec = field_of(ref, what)
        if spec is not None and spec.type is not FieldType.AMOUNT:
            mistakes.append(f"{what} {ref} is not an amount")

    for part in form.parts:
        names = [spec.name for spec in part.fields]
        if len(set(names)) != len(names):
            mistakes.append(f"part {part.name} has two fields of one name")
        for condition in part.conditions:
            mistakes.extend(
                f"a condition of part {part.name} names its missing field {name}"
                for name in _condition_fields(condition)
                if name not in names
            )
        for spec in part.fields:
            if spec.private_when is not None and spec.private_when.field not in names:
                mistakes.append(f"{part.name}.{spec.name} is private by a field the part lacks")
    for rule in form.rules:
        if isinstance(rule, SumOfLines):
            amount_ref(rule.total, "total")
            amount_ref(rule.lines, "summed field")
            if rule.lines.part in parts and parts[rule.lines.part].kind is not PartKind.LINES:
                mistakes.append(f"summed field {rule.lines} is not in a lines part")
            for ref in (*rule.plus, *rule.less):
                amount_ref(ref, "added field")
        elif isinstance(rule, SumOfFields):
            for ref in (rule.total, *rule.addends, *rule.less):
                amount_ref(ref, "added field")
        elif isinstance(rule, OneOfParts):
            mistakes.extend(f"rule names missing part {name}" for name in rule.parts if name not in parts)
    for ref in form.totals:
        amount_ref(ref, "published total")
    names = [_total_name(form, ref) for ref in form.totals if ref.part in parts]
    if len(set(names)) != len(names):
        mistakes.append("two published totals share a name")
    mistakes.extend(
        f"reported activity {name} is not a published total" for name in form.reported_activity if name not in names
    )
    for name, ref in form.entity_fields.items():
        field_of(ref, f"entity field {name}")
    if form.terminates is not None:
        spec = field_of(form.terminates, "termination date")
        if spec is not None and spec.type is not FieldType.DATE:
            mistakes.append(f"termination date {form.terminates} is not a date")
    return mistakes
