"""What a load counted per table: rows read, loaded (changed or unchanged), repaired and quarantined, and why."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

_DETAIL = re.compile(r"\s*(\(.*\)|'.*'|\".*\"|[0-9|]+\S*)\s*$")


@functools.lru_cache(maxsize=4096)
def reason_kind(text: str) -> str:
    """A reason or flag without the value it quotes, so that counts group alike causes."""
    previous = None
    while previous != text:
        previous, text = text, _DETAIL.sub("", text)
    return text


@dataclass
class TableCounts:
    rows_read: int = 0
    loaded: int = 0
    """Rows in CARS after the load: `changed` written now plus `unchanged` found as they were."""
    changed: int = 0
    unchanged: int = 0
    repaired: int = 0
    quarantined: int = 0
    withdrawn: int = 0
    """Keys on file that this export, read to the end of the table, no longer holds (kept, not deleted)."""
    quarantine_reasons: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    empty_file: bool = False

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.loaded + self.quarantined

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["quarantine_reasons"] = dict(sorted(self.quarantine_reasons.items()))
        data["flags"] = dict(sorted(self.flags.items()))
        data["reconciled"] = self.reconciled
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableCounts:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        counts = cls(**known)
        counts.quarantine_reasons = Counter(data.get("quarantine_reasons", {}))
        counts.flags = Counter(data.get("flags", {}))
        return counts

    def add(self, other: TableCounts) -> None:
        for name in ("rows_read", "loaded", "changed", "unchanged", "repaired", "quarantined", "withdrawn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.quarantine_reasons.update(other.quarantine_reasons)
        self.flags.update(other.flags)
