"""Checking a submission document: its JSON is streamed, typed by the form's declaration and held to its rules.

Line items are read, checked and handed to the caller one at a time, so memory stays bounded whatever
their number; totals that span lines are kept as running sums (see `filings.domain.forms.validation`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import ijson
from marshmallow import Schema, ValidationError, fields, validate

from filings.domain.forms import FORMS
from filings.domain.forms.declaration import FieldSpec, FieldType, FormDeclaration, Level, PartKind, PartSpec
from filings.domain.forms.validation import (
    Envelope,
    FilingCheck,
    Problem,
    Verification,
    dollars,
    is_blank,
    is_whole_cents,
    period_problems,
)

# Formats of the fields, each matched against the whole value. Control characters are refused in every text
# field: they are never meant in a form, and PostgreSQL refuses NUL in text.
CONTROL_CHARACTER = r"[\x00-\x1f\x7f]"
STATE = r"[A-Z]{2}"
ZIP = r"[0-9]{5}(-?[0-9]{4})?"
AMOUNT = r"-?[0-9]{1,13}(\.[0-9]{1,10})?"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# Deliberately loose (a contact address is not verified here), and stated as the one pattern it is.
EMAIL = r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+"
ENTITY_ID = r"[A-Za-z0-9]{1,20}"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

ENVELOPE_KEYS = ("form", "entity_id", "period", "amends", "verification")

LineSink = Callable[[str, int, dict[str, Any]], None]
"""Receives each accepted line item as (part, line number from 1, the line's fields ready for JSON)."""


@dataclass
class CheckedSubmission:
    """What checking a submission found: the envelope, the record parts, line counts, totals and problems."""

    envelope: Envelope | None
    """None when the envelope cannot be read (no JSON object, no known form); the errors say why."""
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The record parts (cover, summary), cleaned and ready for JSON: amounts as strings, dates ISO."""
    line_counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors


def check_submission(body: bytes, on_line: LineSink | None = None, *, max_problems: int = 1000) -> CheckedSubmission:
    """Check a submission document, handing each line item to `on_line` as it is read.

    `on_line` receives lines only while no error has been found: once one has, the submission is rejected
    and the lines already handed on are to be discarded. At most `max_problems` problems are listed (a
    last one says how many more there were); lines are still counted to the end.
    """
    return _SubmissionReader(body, on_line, max_problems).read()


# Types and formats of the parts' fields: one converter per declared field, built once per declaration. A line
# has a dozen fields and a filing tens of thousands of lines, so each converter is a plain function making only
# its field's own checks; the envelope, read once per submission, is loaded by the marshmallow schemas below.

NOT_TEXT = "Must be text."
TOO_LONG = "Must be at most {max_length} characters."
HAS_CONTROL_CHARACTER = "Must not contain control characters such as line breaks."
NOT_A_CHOICE = "Must be one of: {choices}."
NOT_AN_AMOUNT = 'Must be an amount in dollars and cents written as a string, such as "1500.00".'
NOT_A_DATE = "Must be a date such as 2026-03-01."
NOT_TRUE_OR_FALSE = "Must be true or false."
NOT_A_WHOLE_NUMBER = "Must be a whole number."
FORMATS: dict[FieldType, tuple[str, str]] = {
    FieldType.EMAIL: (EMAIL, "Must be an email address such as treasurer@example.org."),
    FieldType.STATE: (STATE, "Must be a two-letter state code such as CA."),
    FieldType.ZIP: (ZIP, "Must be a ZIP code such as 95814 or 95814-1234."),
    FieldType.ENTITY_ID: (ENTITY_ID, "Must be a filer ID such as 2000001 (letters and digits)."),
}
"""The pattern of each formatted text type, and what a value not matching it is told."""


class _Refused(Exception):
    """A value of the wrong type or format for its field; the message says what the field takes."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Converter = Callable[[Any], tuple[Any, Any]]
"""Types one submitted value: (the value the form's rules read, the same value ready for JSON); raises _Refused."""

_is_amount = re.compile(AMOUNT).fullmatch
_is_stored_amount = re.compile(r"(?:0|[1-9][0-9]{0,12})\.[0-9]{2}").fullmatch
"""An amount already written as it is stored: not negative, no leading zero, exactly two decimals."""
_is_date = re.compile(DATE).fullmatch
_has_control_character = re.compile(CONTROL_CHARACTER).search


def _amount(value: Any) -> tuple[Decimal, str]:
    """Dollars and cents sent as a decimal string, e.g. "1500.00"; the form's rules check sign and cents."""
    if value.__class__ is str and _is_stored_amount(value) is not None:
        return Decimal(value), value  # the usual amount, written as it is stored
    if not isinstance(value, str) or _is_amount(value) is None:
        raise _Refused(NOT_AN_AMOUNT)
    amount = Decimal(value)
    return amount, dollars(amount) if is_whole_cents(amount) else str(amount)


def _date(value: Any) -> tuple[date, str]:
    """A date written YYYY-MM-DD (not the other ISO 8601 forms); it is stored as written."""
    if not isinstance(value, str) or _is_date(value) is None:
        raise _Refused(NOT_A_DATE)
    try:
        return date.fromisoformat(value), value
    except ValueError:
        raise _Refused(NOT_A_DATE) from None


def _true_or_false(value: Any) -> tuple[bool, bool]:
    """A JSON true or false, nothing that merely looks like one."""
    if not isinstance(value, bool):
        raise _Refused(NOT_TRUE_OR_FALSE)
    return value, value


def _whole_number(value: Any) -> tuple[int, int]:
    """A JSON integer (not a boolean, not a string of digits)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(NOT_A_WHOLE_NUMBER)
    return value, value


def _text(
    max_length: int, pattern: str | None = None, pattern_message: str = "", choices: tuple[str, ...] = ()
) -> Converter:
    """One line of text: at most `max_length` characters, no control character, of `pattern` or `choices` if given."""
    too_long = TOO_LONG.format(max_length=max_length)
    matches = re.compile(pattern).fullmatch if pattern else None
    allowed = frozenset(choices)
    not_a_choice = NOT_A_CHOICE.format(choices=", ".join(choices))

    def text(value: Any) -> tuple[str, str]:
        if not isinstance(value, str):
            raise _Refused(NOT_TEXT)
        if len(value) > max_length:
            raise _Refused(too_long)
        # Printable text has no control character; only the rest is searched for one (a quick test comes first).
        if not value.isprintable() and _has_control_character(value) is not None:
            raise _Refused(HAS_CONTROL_CHARACTER)
        if matches is not None and matches(value) is None:
            raise _Refused(pattern_message)
        if allowed and value not in allowed:
            raise _Refused(not_a_choice)
        return value, value

    if matches is None and not allowed:
        text.plain_text_max_length = max_length  # type: ignore[attr-defined]  # read by `_part_typing`
    return text


def _converter_for(spec: FieldSpec) -> Converter:
    """The converter of a declared field: its type, length, choices and format (never its requiredness)."""
    match spec.type:
        case FieldType.AMOUNT:
            return _amount
        case FieldType.DATE:
            return _date
        case FieldType.BOOLEAN:
            return _true_or_false
        case FieldType.INTEGER:
            return _whole_number
        case FieldType.CODE:
            return _text(spec.max_length, choices=spec.choices)
        case kind if kind in FORMATS:
            pattern, message = FORMATS[kind]
            return _text(spec.max_length, pattern, message)
        case _:
            return _text(spec.max_length)


@dataclass(frozen=True)
class PartTyping:
    """How a part's fields are typed: a converter for each, and the plain text fields' maximum lengths.

    A plain text field (no format, no choices) is most of a line's fields; a value of it that is printable and
    short enough is taken as it is, without a call, and only the others go through its converter.
    """

    converters: dict[str, Converter]
    plain_text: dict[str, int]


def _part_typing(part: PartSpec) -> PartTyping:
    converters = {spec.name: _converter_for(spec) for spec in part.fields}
    plain = {name: convert.plain_text_max_length for name, convert in converters.items() if _is_plain_text(convert)}
    return PartTyping(converters, plain)


def _is_plain_text(convert: Converter) -> bool:
    return getattr(convert, "plain_text_max_length", None) is not None


_TYPINGS: dict[int, tuple[FormDeclaration, dict[str, PartTyping]]] = {}


def form_typing(form: FormDeclaration) -> dict[str, PartTyping]:
    """How each part's fields are typed, by part name, built once per declaration (looked up by identity: a
    declaration holds a dict, so it is not hashable).
    """
    cached = _TYPINGS.get(id(form))
    if cached is None or cached[0] is not form:
        cached = _TYPINGS[id(form)] = (form, {part.name: _part_typing(part) for part in form.parts})
    return cached[1]


# The envelope's types and formats, as marshmallow fields, with the parts' wording.


class _Date(fields.Date):
    """A date written YYYY-MM-DD (not the other ISO 8601 forms)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or _is_date(value) is None:
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None


class _WholeNumber(fields.Integer):
    """A JSON integer (not a boolean, not a string of digits)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class _TrueOrFalse(fields.Boolean):
    """A JSON true or false, nothing that merely looks like one."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class _Text(fields.String):
    """One line of text, checked as a part's text field is (see `_text`)."""

    def __init__(
        self, max_length: int, *, pattern: str | None = None, pattern_message: str = "", **options: Any
    ) -> None:
        super().__init__(**options)
        self.convert = _text(max_length, pattern, pattern_message)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            return self.convert(value)[0]
        except _Refused as refused:
            raise ValidationError(refused.message) from None


def _formatted(pattern: str, message: str, max_length: int = 254, **options: Any) -> _Text:
    return _Text(max_length, pattern=pattern, pattern_message=message, **options)


_MESSAGES = {"required": "Required.", "null": "Required."}


class _PeriodIn(Schema):
    error_messages = {"type": "Must be an object with start and end dates."}
    start = _Date(required=True, error_messages={**_MESSAGES, "invalid": "Must be a date such as 2026-01-01."})
    end = _Date(required=True, error_messages={**_MESSAGES, "invalid": "Must be a date such as 2026-06-30."})


class _AmendsIn(Schema):
    error_messages = {"type": "Must be an object naming the filing and the amendment it replaces."}
    filing_id = _formatted(UUID, "Must be a filing ID (a UUID).", required=True, error_messages=_MESSAGES)
    amendment = _WholeNumber(
        strict=True,
        required=True,
        validate=validate.Range(min=0, error="Must be 0 or more."),
        error_messages={**_MESSAGES, "invalid": "Must be a whole number."},
    )


class _VerificationIn(Schema):
    error_messages = {"type": "Must be an object with signer_id, signer_name and agrees."}
    signer_id = _Text(100, validate=validate.Length(min=1, error="Required."), required=True, error_messages=_MESSAGES)
    signer_name = _Text(
        200, validate=validate.Length(min=1, error="Required."), required=True, error_messages=_MESSAGES
    )
    agrees = _TrueOrFalse(
        required=True,
        validate=validate.Equal(True, error="Must be true: the signer declares the filing true and complete."),
        error_messages={**_MESSAGES, "invalid": "Must be true or false."},
    )


class _EnvelopeIn(Schema):
    entity_id = _formatted(ENTITY_ID, "Must be a filer ID such as 2000001 (letters and digits).", allow_none=True)
    period = fields.Nested(_PeriodIn, allow_none=True)
    amends = fields.Nested(_AmendsIn, allow_none=True)
    verification = fields.Nested(_VerificationIn, allow_none=True)


_ENVELOPE_SCHEMA = _EnvelopeIn()


def _flatten(messages: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, message) for each of marshmallow's nested error messages."""
    for key, value in messages.items():
        path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            for message in value if isinstance(value, list) else [value]:
                yield (
                    path,
                    f"Unknown field {_shown(path.rsplit('.', 1)[-1])}." if message == "Unknown field." else message,
                )


def _shown(name: object) -> str:
    """A name from the submission, quoted and safe to store and show (no control characters, not too long)."""
    text = re.sub(CONTROL_CHARACTER, "?", str(name))
    return repr(text if len(text) <= 80 else text[:80] + "...")


def _reason(error: Exception) -> str:
    """The first line of a JSON parser's complaint (the lines after it quote the body)."""
    raw = error.args[0] if error.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    first = text.strip().splitlines()[0] if text.strip() else "it ends too soon"
    return re.sub(CONTROL_CHARACTER, "?", first)[:200]


def _safe_name(name: str) -> str:
    return re.sub(CONTROL_CHARACTER, "?", name)[:80]


# Streaming the JSON: values are built only for envelope keys, records and one line item at a time.

_OPENS = frozenset({"start_map", "start_array"})
_CLOSES = frozenset({"end_map", "end_array"})
_SCALARS = frozenset({"null", "boolean", "integer", "double", "number", "string"})

Event = tuple[str, Any]

PARSED_AT_ONCE_BYTES = 256 * 1024
"""Documents smaller than this (some 800 line items) are parsed whole when they can be; larger ones streamed."""
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
SKIPPED = object()
"""Stands for a line item past a part's limit: read past, not built."""


class _DuplicateKey(Exception):
    """A JSON object names a key twice: the streaming reader words that."""


def _without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    built = dict(pairs)
    if len(built) != len(pairs):
        raise _DuplicateKey
    return built


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loaded(body: bytes) -> dict[str, Any] | None:
    """The document parsed at once, if it is small and holds nothing the streaming reader reads differently
    (a key given twice, NaN, an escaped surrogate, text that is not UTF-8, anything malformed or not an object);
    otherwise None, and it is streamed instead.

    C code building the whole document is several times quicker than visiting its parsing events in Python, and
    numbers come out as the streaming parser gives them: integers as int, any other as Decimal.
    """
    if len(body) >= PARSED_AT_ONCE_BYTES or _SURROGATE_ESCAPE.search(body):
        return None
    try:
        document = json.loads(
            body.decode("utf-8"),
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_without_duplicate_keys,
        )
    except (ValueError, RecursionError, _DuplicateKey):  # not UTF-8 or not JSON (both ValueErrors)
        return None
    return document if isinstance(document, dict) else None


def _streamed_items(first: Event, events: Iterator[Event], limit: int) -> Iterator[Any] | None:
    """The items of the JSON array starting with `first`, each built in turn (SKIPPED for those past `limit`);
    None, the value read past, when it is not an array. The items are to be read to the end before `events`.
    """
    if first[0] != "start_array":
        _skip(first, events)
        return None

    def items() -> Iterator[Any]:
        count = 0
        for event, value in events:
            if event == "end_array":
                return
            count += 1
            if count > limit:
                _skip((event, value), events)
                yield SKIPPED
            else:
                yield _build((event, value), events)

    return items()


def _build(first: Event, events: Iterator[Event]) -> Any:
    """The whole JSON value starting with event `first`, read from `events`.

    A flat object (a line item) is built here directly, the common case made quick; anything nested goes
    to ijson's builder, which needs no recursion however deep the nesting.
    """
    event, value = first
    if event == "start_map":
        built: dict[str, Any] = {}
        key = ""
        for event, value in events:
            if event == "map_key":
                key = value
            elif event in _SCALARS:
                built[key] = value
            elif event == "end_map":
                return built
            else:
                built[key] = _build_nested((event, value), events)
    return _build_nested(first, events)


def _build_nested(first: Event, events: Iterator[Event]) -> Any:
    event, value = first
    if event not in _OPENS:
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in _OPENS:
            depth += 1
        elif event in _CLOSES:
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _skip(first: Event, events: Iterator[Event]) -> None:
    """Read past the JSON value starting with `first` without building it."""
    if first[0] not in _OPENS:
        return
    depth = 1
    for event, _ in events:
        if event in _OPENS:
            depth += 1
        elif event in _CLOSES:
            depth -= 1
            if depth == 0:
                return


def _members(events: Iterator[Event]) -> Iterator[str]:
    """The keys of the JSON object being read; the caller reads or skips each key's value before the next."""
    for event, value in events:
        if event == "end_map":
            return
        yield value


class _Findings:
    """Problems as they are found, listing at most `limit` and counting the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.listed: list[Problem] = []
        self.unlisted = {Level.ERROR: 0, Level.WARNING: 0}
        self.has_error = False

    def add(self, problem: Problem) -> None:
        if problem.level is Level.ERROR:
            self.has_error = True
        if len(self.listed) < self.limit:
            self.listed.append(problem)
        else:
            self.unlisted[problem.level] += 1

    def extend(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def closing(self, envelope: list[Problem]) -> tuple[list[Problem], list[Problem]]:
        """(errors, warnings): the envelope's problems first, then the parts', within the limit."""
        everything = envelope + self.listed
        listed = everything[: self.limit]
        unlisted = dict(self.unlisted)
        for problem in everything[self.limit :]:
            unlisted[problem.level] += 1
        if any(unlisted.values()):
            level = Level.ERROR if unlisted[Level.ERROR] or self.has_error else Level.WARNING
            message = (
                f"Checking listed the first {self.limit} problems only; {unlisted[Level.ERROR]} more errors and "
                f"{unlisted[Level.WARNING]} more warnings were found. Correct these and submit again."
            )
            listed.append(Problem(level, message))
        return (
            [problem for problem in listed if problem.level is Level.ERROR],
            [problem for problem in listed if problem.level is Level.WARNING],
        )


class _SubmissionReader:
    """One pass (two when the parts come before the form or period) over a submission's JSON events, or over the
    document parsed whole when it is small (see `_loaded`): both read it alike."""

    def __init__(self, body: bytes, on_line: LineSink | None, max_problems: int) -> None:
        self.body = body
        self.on_line = on_line
        self.findings = _Findings(max_problems)
        self.envelope_problems: list[Problem] = []
        self.top: dict[str, Any] = {}
        self.form: FormDeclaration | None = None
        self.check: FilingCheck | None = None
        self.records: dict[str, dict[str, Any]] = {}
        self.line_counts: dict[str, int] = {}
        self.parts_read: set[str] = set()
        self.parts_given = False
        self.typing: dict[str, PartTyping] = {}
        self.envelope_read: tuple[int, Envelope | None, list[Problem]] | None = None
        """The envelope last read, with its problems, and how many top-level values it was read from."""

    def read(self) -> CheckedSubmission:
        document = _loaded(self.body)
        if document is not None:
            deferred = self._read_loaded(document)
            is_object = True
        else:
            try:
                is_object, deferred = self._read_document()
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                # Lines already handed on are discarded by the caller: a rejected submission stores nothing.
                self.envelope_problems.append(Problem(Level.ERROR, f"The body is not valid JSON: {_reason(exc)}"))
                errors, warnings = self.findings.closing(self.envelope_problems)
                return CheckedSubmission(None, errors=errors, warnings=warnings)
        envelope = self._envelope(self.envelope_problems) if is_object else None
        if is_object and not self.parts_given:
            self.envelope_problems.append(Problem(Level.ERROR, "Required: the form's parts.", field="parts"))
        if deferred and envelope is not None:
            if document is not None:
                self._start_check()
                self._read_loaded_parts(document["parts"])
            else:
                self._read_parts_again()
        totals: dict[str, Decimal] = {}
        if self.check is not None:
            self.findings.extend(self.check.finish())
            totals = self.check.totals()
        errors, warnings = self.findings.closing(self.envelope_problems)
        return CheckedSubmission(envelope, self.records, self.line_counts, totals, errors, warnings)

    def _read_document(self) -> tuple[bool, bool]:
        """Read the document once: whether it is an object, and whether its parts came too early to check."""
        events = ijson.basic_parse(self.body, use_float=False)
        first = next(events)
        if first[0] != "start_map":
            self.envelope_problems.append(Problem(Level.ERROR, "The body must be a JSON object: the submission."))
            _skip(first, events)
            for _ in events:  # the JSON itself must still be well formed
                pass
            return False, False
        deferred = False
        seen: set[str] = set()
        for key in _members(events):
            value_start = next(events)
            if key in seen:
                self._envelope_problem(Problem(Level.ERROR, "Given more than once.", field=_safe_name(key)))
                _skip(value_start, events)
                continue
            seen.add(key)
            if key == "parts":
                if self._ready_for_parts():
                    self._read_parts(value_start, events)
                else:
                    deferred = True
                    _skip(value_start, events)
            elif key in ENVELOPE_KEYS:
                self.top[key] = _build(value_start, events)
            else:
                message = f"Unknown field {_shown(key)}; a submission has form, {', '.join(ENVELOPE_KEYS[1:])}, parts."
                self._envelope_problem(Problem(Level.ERROR, message, field=_safe_name(key)))
                _skip(value_start, events)
        for _ in events:  # anything after the object is malformed JSON, which reading to the end reports
            pass
        self.parts_given = "parts" in seen
        return True, deferred

    def _read_loaded(self, document: dict[str, Any]) -> bool:
        """As `_read_document`, from the document parsed whole: whether its parts came too early to check."""
        deferred = False
        for key, value in document.items():
            if key == "parts":
                if self._ready_for_parts():
                    self._read_loaded_parts(value)
                else:
                    deferred = True
            elif key in ENVELOPE_KEYS:
                self.top[key] = value
            else:
                message = f"Unknown field {_shown(key)}; a submission has form, {', '.join(ENVELOPE_KEYS[1:])}, parts."
                self._envelope_problem(Problem(Level.ERROR, message, field=_safe_name(key)))
        self.parts_given = "parts" in document
        return deferred

    def _envelope_problem(self, problem: Problem) -> None:
        """Note a problem outside the parts; past the limit it is only counted (a body of a million unknown keys)."""
        if len(self.envelope_problems) < self.findings.limit:
            self.envelope_problems.append(problem)
        else:
            self.findings.has_error = True
            self.findings.unlisted[problem.level] += 1

    def _read_parts_again(self) -> None:
        events = ijson.basic_parse(self.body, use_float=False)
        next(events)
        for key in _members(events):
            value_start = next(events)
            if key == "parts" and self.check is None:
                self._start_check()
                self._read_parts(value_start, events)
            else:
                _skip(value_start, events)

    def _ready_for_parts(self) -> bool:
        """Whether the form (and its period, if it has one) came before the parts, so lines can be checked now."""
        form = FORMS.get(self.top.get("form")) if isinstance(self.top.get("form"), str) else None
        if form is None or (form.has_period and "period" not in self.top):
            return False
        self._start_check()
        return True

    def _start_check(self) -> None:
        envelope = self._envelope([])
        if envelope is None:
            return
        self.form = envelope.form
        self.check = FilingCheck(envelope.form, envelope.period)
        self.line_counts = {part.name: 0 for part in envelope.form.parts if part.kind is PartKind.LINES}
        self.typing = form_typing(envelope.form)

    def _envelope(self, problems: list[Problem]) -> Envelope | None:
        """The envelope read from the top-level values so far; `problems` receives what is wrong with it.

        Top-level values are only ever added, so the envelope is read again only when more have come.
        """
        if self.envelope_read is None or self.envelope_read[0] != len(self.top):
            found: list[Problem] = []
            self.envelope_read = (len(self.top), self._read_envelope(found), found)
        _, envelope, found = self.envelope_read
        problems.extend(found)
        return envelope

    def _read_envelope(self, problems: list[Problem]) -> Envelope | None:
        code = self.top.get("form")
        form = FORMS.get(code) if isinstance(code, str) else None
        if form is None:
            known = ", ".join(sorted(FORMS))
            message = (
                "Required: the form's code, such as F460."
                if is_blank(code)
                else f"Unknown form {_shown(code)}; the forms are {known}."
            )
            problems.append(Problem(Level.ERROR, message, field="form"))
            return None
        given = {key: self.top[key] for key in ENVELOPE_KEYS[1:] if not is_blank(self.top.get(key))}
        try:
            loaded = _ENVELOPE_SCHEMA.load(given)
        except ValidationError as error:
            problems.extend(Problem(Level.ERROR, message, field=path) for path, message in _flatten(error.messages))
            loaded = error.valid_data or {}
        period = loaded.get("period") or {}
        start, end = period.get("start"), period.get("end")
        if form.has_period and "period" not in given:
            problems.append(Problem(Level.ERROR, "Required: the period this report covers.", field="period"))
        elif not form.has_period and "period" in given:
            problems.append(Problem(Level.ERROR, f"Form {form.code} covers no period; leave it out.", field="period"))
        elif isinstance(start, date) and isinstance(end, date):
            problems.extend(period_problems(form, start, end))
        amends = loaded.get("amends") or {}
        envelope_verification = loaded.get("verification") or {}
        envelope = Envelope(
            form=form,
            entity_id=loaded.get("entity_id"),
            period_start=start if form.has_period else None,
            period_end=end if form.has_period else None,
            amends_filing_id=amends.get("filing_id"),
            amends_amendment=amends.get("amendment"),
            verification=(
                Verification(envelope_verification["signer_id"], envelope_verification["signer_name"])
                if envelope_verification.get("agrees") is True
                and {"signer_id", "signer_name"} <= envelope_verification.keys()
                else None
            ),
        )
        if "verification" not in given:
            message = "Required: the signer's verification (signer_id, signer_name, agrees)."
            problems.append(Problem(Level.ERROR, message, field="verification"))
        if envelope.names_no_entity and "entity_id" in given:
            message = "A new registration creates its filer; leave entity_id out (amend the registration instead)."
            problems.append(Problem(Level.ERROR, message, field="entity_id"))
        elif not envelope.creates_entity and "entity_id" not in given:
            problems.append(Problem(Level.ERROR, "Required: the filer's ID.", field="entity_id"))
        return envelope

    def _read_parts(self, first: Event, events: Iterator[Event]) -> None:
        if first[0] != "start_map":
            self._parts_not_an_object()
            _skip(first, events)
            return
        for name in _members(events):
            value_start = next(events)
            part = self._part_to_read(name)
            if part is None:
                _skip(value_start, events)
            elif part.kind is PartKind.RECORD:
                self._read_record(part, _build(value_start, events))
            else:
                self._read_lines(part, _streamed_items(value_start, events, part.max_lines))

    def _read_loaded_parts(self, parts: Any) -> None:
        if not isinstance(parts, dict):
            self._parts_not_an_object()
            return
        for name, value in parts.items():
            part = self._part_to_read(name)
            if part is None:
                continue
            if part.kind is PartKind.RECORD:
                self._read_record(part, value)
            else:
                self._read_lines(part, iter(value) if isinstance(value, list) else None)

    def _parts_not_an_object(self) -> None:
        message = "Must be an object holding the form's parts by name."
        self.findings.add(Problem(Level.ERROR, message, field="parts"))

    def _part_to_read(self, name: str) -> PartSpec | None:
        """The form's part of this name, read for the first time; None (and the problem noted) otherwise."""
        assert self.form is not None
        try:
            part = self.form.part_named(name)
        except KeyError:
            known = ", ".join(part.name for part in self.form.parts)
            message = f"Unknown part {_shown(name)}; form {self.form.code} has {known}."
            self.findings.add(Problem(Level.ERROR, message, part=_safe_name(name)))
            return None
        if name in self.parts_read:
            self.findings.add(Problem(Level.ERROR, "Given more than once.", part=name))
            return None
        self.parts_read.add(name)
        return part

    def _read_record(self, part: PartSpec, raw: Any) -> None:
        if not isinstance(raw, dict):
            self.findings.add(Problem(Level.ERROR, f"Must be an object with the fields of {part.label}.", part.name))
            return
        values, ready, invalid = self._typed(part, raw, None)
        assert self.check is not None
        self.findings.extend(self.check.record(part.name, values, invalid))
        self.records[part.name] = ready

    def _read_lines(self, part: PartSpec, items: Iterator[Any] | None) -> None:
        """Check the part's line items one at a time; `items` is None when the part was not a list."""
        if items is None:
            self.findings.add(Problem(Level.ERROR, f"Must be a list of the lines of {part.label}.", part.name))
            return
        assert self.check is not None
        count = 0
        for raw in items:
            count += 1
            if count > part.max_lines:
                continue
            if not isinstance(raw, dict):
                self.findings.add(Problem(Level.ERROR, "Must be an object with the line's fields.", part.name, count))
                continue
            values, ready, invalid = self._typed(part, raw, count)
            problems = self.check.line(part.name, count, values, invalid)
            if problems:
                self.findings.extend(problems)
            if self.on_line is not None and not self.findings.has_error:
                self.on_line(part.name, count, ready)
        self.line_counts[part.name] = count
        if count > part.max_lines:
            message = f"{part.label} has {count} lines; at most {part.max_lines} are allowed."
            self.findings.add(Problem(Level.ERROR, message, part.name))

    def _typed(
        self, part: PartSpec, raw: dict[str, Any], line: int | None
    ) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
        """The record's or line's values typed by the part's declaration, the same ready for JSON (amounts as
        dollars-and-cents strings, dates ISO), and the names of fields that failed their type.

        Blank values count as absent: whether a field is required is a rule of the form, checked afterwards.
        """
        typing = self.typing[part.name]
        converters, plain_text = typing.converters, typing.plain_text
        values: dict[str, Any] = {}
        ready: dict[str, Any] = {}
        invalid: set[str] = set()
        for name, value in raw.items():
            if value.__class__ is str:
                if not value or value.isspace():
                    continue
                max_length = plain_text.get(name)
                # What the plain text converter accepts (see `_text`), told without calling it.
                if max_length is not None and len(value) <= max_length and value.isprintable():
                    values[name] = ready[name] = value
                    continue
            elif value is None:
                continue
            convert = converters.get(name)
            if convert is None:
                message = f"Unknown field {_shown(name)}; {part.label} has no such field."
                self.findings.add(Problem(Level.ERROR, message, part.name, line, _safe_name(name)))
                continue
            try:
                values[name], ready[name] = convert(value)
            except _Refused as refused:
                invalid.add(name)
                self.findings.add(Problem(Level.ERROR, refused.message, part.name, line, name))
        return values, ready, invalid
