"""Totals the embedded index keeps as it writes: amounts of current transactions summed per scope (one filer, one
ZIP code) and grouping, so that a filer's or a ZIP code's aggregates read their groups instead of their rows.

A tally row is what a document row holds for totals: (kind, current, entity_id, zip5, name, employer, dated_at,
amount_cents). Writing adds the rows that count (current transactions with an amount) and takes away the ones a
write replaces or makes history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from search.domain.documents import TRANSACTION
from search.domain.query import SearchQuery, zip5

TALLY_COLUMNS = "kind, current, entity_id, zip5, name, employer, dated_at, amount_cents"
"""The columns of `documents` a tally row is made of, in order."""

SCOPES: dict[str, tuple[str, ...]] = {
    "entity": ("month", "contributor", "employer", "zip"),
    "zip": ("employer", "month", "entity"),
}
"""What is kept: per filer, its totals by month, contributor, employer and ZIP; per ZIP code, by employer, month and
filer. Any other aggregate totals the matching rows when asked."""

SCHEMA = (
    # Case is folded as the document columns fold it (NOCASE), so a group is the same one either way.
    """
    CREATE TABLE IF NOT EXISTS totals (
        scope TEXT NOT NULL,
        scope_value TEXT NOT NULL COLLATE NOCASE,
        grouping TEXT NOT NULL,
        bucket TEXT NOT NULL COLLATE NOCASE,
        total INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (scope, scope_value, grouping, bucket)
    ) WITHOUT ROWID
    """,
)

_ADD = (
    "INSERT INTO totals (scope, scope_value, grouping, bucket, total, count) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (scope, scope_value, grouping, bucket) "
    "DO UPDATE SET total = total + excluded.total, count = count + excluded.count"
)

Key = tuple[str, str, str, str]


class Tally:
    """Changes to the totals gathered over one write, applied at once (one statement per group touched)."""

    def __init__(self) -> None:
        self.changes: dict[Key, list[int]] = {}

    def add(self, rows: Iterable[tuple[Any, ...]], sign: int = 1) -> None:
        """Count (sign 1) or take away (sign -1) tally rows; rows that are not current transactions with an amount
        change nothing."""
        changes = self.changes
        for kind, current, entity_id, zip_code, name, employer, dated_at, amount in rows:
            if kind != TRANSACTION or not current or amount is None:
                continue
            buckets = {"month": dated_at[:7], "contributor": name, "employer": employer, "zip": zip_code}
            buckets["entity"] = entity_id
            for scope, value in (("entity", entity_id), ("zip", zip_code)):
                if not value:
                    continue
                for grouping in SCOPES[scope]:
                    bucket = buckets[grouping]
                    if bucket is None:
                        continue
                    change = changes.get((scope, value, grouping, bucket))
                    if change is None:
                        changes[(scope, value, grouping, bucket)] = [sign * amount, sign]
                    else:
                        change[0] += sign * amount
                        change[1] += sign

    def apply(self, connection: Any) -> None:
        if self.changes:
            connection.executemany(
                _ADD, [(*key, total, count) for key, (total, count) in self.changes.items() if count or total]
            )
            self.changes = {}


def kept_scope(query: SearchQuery, by: str) -> tuple[str, list[str]] | None:
    """The kept scope and its values that answer an aggregate of `query` by `by` exactly, or None when the query
    filters on more than one filer or ZIP scope (its rows are totalled instead)."""
    if query.text is not None or query.include_history or (query.kinds and TRANSACTION not in query.kinds):
        return None
    others = (
        query.entity_types,
        query.forms,
        query.schedules,
        query.cities,
        query.states,
        query.employers,
        query.occupations,
        query.election_cycles,
    )
    if any(others) or query.date_from or query.date_to or query.filed_from or query.filed_to:
        return None
    if query.amount_min is not None or query.amount_max is not None:
        return None
    if query.entity_ids and not query.zip_codes:
        scope, values = "entity", list(query.entity_ids)
    elif query.zip_codes and not query.entity_ids:
        scope, values = "zip", sorted({zip5(value) for value in query.zip_codes})
    else:
        return None
    return (scope, values) if by in SCOPES[scope] else None


def read_sql(values: int) -> str:
    """The top groups of a kept scope over `values` scope values: (bucket, total, count) rows."""
    if values == 1:
        # One scope value holds each group once: read in key order, keeping only the top ones.
        return (
            "SELECT bucket, total, count FROM totals WHERE scope = ? AND grouping = ? AND scope_value = ? "
            "AND count > 0 ORDER BY total DESC, bucket LIMIT ?"
        )
    marks = ", ".join("?" * values)
    return (
        "SELECT bucket, sum(total) AS amount, sum(count) FROM totals "  # noqa: S608 - only marks
        f"WHERE scope = ? AND grouping = ? AND scope_value IN ({marks}) "
        "GROUP BY bucket HAVING sum(count) > 0 ORDER BY amount DESC, bucket LIMIT ?"
    )
