"""What changed between two versions of a filing: the fields of its records, and the lines of its schedules.

Lines are compared as they stream in line-number order, so two versions of a 20,000-line schedule are
never both held in memory: by position (line n against line n) unless the part has a natural key.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import zip_longest
from typing import Any

Line = tuple[int, Mapping[str, Any]]
"""A line item as stored: its line number (from 1) and its fields."""


@dataclass(frozen=True)
class FieldChange:
    """One field's value in the older version and in the newer one (None where it is absent)."""

    field: str
    old: Any
    new: Any


class LineChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class LineChange:
    """A line added, removed or changed; `fields` lists what differs (every filled-in field when added or removed)."""

    kind: LineChangeKind
    old_line: int | None
    new_line: int | None
    fields: tuple[FieldChange, ...]

    @property
    def line(self) -> int:
        """The line's number in the newer version, or in the older one for a removed line."""
        number = self.new_line if self.new_line is not None else self.old_line
        assert number is not None, "a line change has a line in at least one version"
        return number


@dataclass
class LineTally:
    """How many lines of a part were added, removed and changed."""

    added: int = 0
    removed: int = 0
    changed: int = 0

    def count(self, change: LineChange) -> LineChange:
        setattr(self, change.kind.value, getattr(self, change.kind.value) + 1)
        return change

    @property
    def total(self) -> int:
        return self.added + self.removed + self.changed


def field_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, field_order: Sequence[str] = ()
) -> tuple[FieldChange, ...]:
    """The fields whose values differ between two records, in `field_order` first, then as they appear.

    A missing record or field counts as empty, so a field left blank in both versions is no change.
    """
    old = old or {}
    new = new or {}
    names = dict.fromkeys([*field_order, *old, *new])
    return tuple(FieldChange(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name))


def line_changes(
    old: Iterable[Line],
    new: Iterable[Line],
    *,
    key: Callable[[Mapping[str, Any]], Hashable] | None = None,
    field_order: Sequence[str] = (),
) -> Iterator[LineChange]:
    """The lines that differ between two versions of a lines part, each given in line-number order.

    Without `key`, line n of one version is compared with line n of the other (the filing's own order is
    all that relates them). With `key` (a natural key such as a transaction ID), lines match by key
    wherever they moved: changes come as matches are found, then removed lines, then added ones.
    """
    if key is None:
        return _by_position(iter(old), iter(new), field_order)
    return _by_key(old, new, key, field_order)


def _by_position(old: Iterator[Line], new: Iterator[Line], field_order: Sequence[str]) -> Iterator[LineChange]:
    # A merge on line numbers rather than a zip, so a gap in either numbering is an added or removed line.
    older, newer = next(old, None), next(new, None)
    while older is not None or newer is not None:
        if newer is None or (older is not None and older[0] < newer[0]):
            yield LineChange(LineChangeKind.REMOVED, older[0], None, field_changes(older[1], None, field_order))
            older = next(old, None)
        elif older is None or newer[0] < older[0]:
            yield LineChange(LineChangeKind.ADDED, None, newer[0], field_changes(None, newer[1], field_order))
            newer = next(new, None)
        else:
            changes = field_changes(older[1], newer[1], field_order)
            if changes:
                yield LineChange(LineChangeKind.CHANGED, older[0], newer[0], changes)
            older, newer = next(old, None), next(new, None)


def _by_key(
    old: Iterable[Line],
    new: Iterable[Line],
    key: Callable[[Mapping[str, Any]], Hashable],
    field_order: Sequence[str],
) -> Iterator[LineChange]:
    # Both versions are read in step, so only lines whose partner has not been reached yet are held:
    # few when an amendment keeps the order of its lines, all of them only when it reverses it.
    waiting_old: dict[Hashable, deque[Line]] = {}
    waiting_new: dict[Hashable, deque[Line]] = {}
    for older, newer in zip_longest(old, new):
        if older is not None:
            partner = _take(waiting_new, key(older[1]))
            if partner is None:
                waiting_old.setdefault(key(older[1]), deque()).append(older)
            else:
                yield from _compared(older, partner, field_order)
        if newer is not None:
            partner = _take(waiting_old, key(newer[1]))
            if partner is None:
                waiting_new.setdefault(key(newer[1]), deque()).append(newer)
            else:
                yield from _compared(partner, newer, field_order)
    for number, fields in sorted((line for lines in waiting_old.values() for line in lines), key=lambda line: line[0]):
        yield LineChange(LineChangeKind.REMOVED, number, None, field_changes(fields, None, field_order))
    for number, fields in sorted((line for lines in waiting_new.values() for line in lines), key=lambda line: line[0]):
        yield LineChange(LineChangeKind.ADDED, None, number, field_changes(None, fields, field_order))


def _take(waiting: dict[Hashable, deque[Line]], line_key: Hashable) -> Line | None:
    """The earliest waiting line with this key, removed from the waiting lines."""
    lines = waiting.get(line_key)
    if not lines:
        return None
    line = lines.popleft()
    if not lines:
        del waiting[line_key]
    return line


def _compared(older: Line, newer: Line, field_order: Sequence[str]) -> Iterator[LineChange]:
    changes = field_changes(older[1], newer[1], field_order)
    if changes:
        yield LineChange(LineChangeKind.CHANGED, older[0], newer[0], changes)
