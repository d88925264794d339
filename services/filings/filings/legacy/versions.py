"""The filing versions on file, held compactly while line items load: their events name only versions on file.

Filings load before line items, so the versions on file do not change while line items load: one snapshot,
8 bytes per version with a plain numeric filing ID (CAL-ACCESS's are), replaces a query per batch. A version
the snapshot cannot encode (another kind of ID) is looked up in the database as before.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Any

AMENDMENTS = 10_000
"""Amendments a filing ID's code leaves room for; a version numbered higher is looked up in the database."""
SNAPSHOT_SQL = (
    f"SELECT filing_id::bigint * {AMENDMENTS} + amendment FROM filings "  # noqa: S608
    f"WHERE filing_id ~ '^[1-9][0-9]{{0,13}}$' AND amendment >= 0 AND amendment < {AMENDMENTS} ORDER BY 1"
)


def version_code(filing_id: str, amendment: int) -> int | None:
    """A version as one number (filing ID times AMENDMENTS plus amendment), or None when it has none."""
    if (
        filing_id.isascii()
        and filing_id.isdigit()
        and filing_id[0] != "0"
        and len(filing_id) <= 14
        and 0 <= amendment < AMENDMENTS
    ):
        return int(filing_id) * AMENDMENTS + amendment
    return None


class VersionsOnFile:
    """A sorted array of the codes of the filing versions on file."""

    def __init__(self, codes: array) -> None:
        self.codes = codes

    @classmethod
    def read(cls, connection: Any) -> VersionsOnFile:
        """The snapshot read through a DB-API connection, 100,000 versions at a time."""
        codes = array("q")
        cursor = connection.cursor(name="legacy_versions_on_file")
        try:
            cursor.itersize = 100_000
            cursor.execute(SNAPSHOT_SQL)
            while rows := cursor.fetchmany(100_000):
                codes.extend(code for (code,) in rows)
        finally:
            cursor.close()
        return cls(codes)

    def split(self, versions: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """The versions known to be on file, and those the snapshot cannot tell about (to look up)."""
        codes, size = self.codes, len(self.codes)
        on_file, unknown = [], []
        for version in versions:
            code = version_code(*version)
            if code is None:
                unknown.append(version)
                continue
            position = bisect_left(codes, code)
            if position < size and codes[position] == code:
                on_file.append(version)
        return on_file, unknown
