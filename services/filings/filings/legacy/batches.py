"""Preparing one batch of an export's lines for writing: parsed, keyed, hashed and mapped, without the database.

`prepare_batch` is a plain function of its arguments so that worker processes can run it side by side
(`cars-migrate load --jobs N`) while one connection writes the batches in order; with one job it runs inline.
What needs the database (whether a key is already in CARS, and with which content) is left to the writer.
A batch travels between processes as a few long strings rather than one object per row: the raw lines as one
block, and back the keys, the hashes and the rows to COPY each joined into one text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from filings.legacy.copytext import FilingCopy, filing_copy_line, row_hash_line
from filings.legacy.counts import TableCounts, reason_kind
from filings.legacy.mapping import TableMapping, Target, Unmappable, row_hash
from filings.legacy.reader import Header, LegacyRow, QuarantinedRow, RowParser

HASH_SIZE = 32
"""Characters of a row hash (hex)."""


@dataclass
class PreparedBatch:
    table: str
    first_line: int
    last_line: int
    counts: TableCounts
    """Lines read and quarantined here, and every keyed row counted as loaded (the writer corrects the few it
    quarantines as duplicates of an earlier batch)."""
    quarantined: list[tuple[int, str]] = field(default_factory=list)
    """Line number and reason of each line that cannot load (the writer holds the raw lines)."""
    key_text: str = ""
    """The natural key of each row to write, one per line; `hash_text`, `lines` and the records align with it."""
    hash_text: str = ""
    """The rows' content hashes, HASH_SIZE characters each."""
    lines: list[int] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)
    """The rows' MappedRow; on PostgreSQL a filings row's FilingCopy, and none for line items (`copy_text`)."""
    copy_text: str | None = None
    """On PostgreSQL, line items as COPY text (FILING_LINE_COLUMNS), one line each."""
    hash_copy_text: str | None = None
    """On PostgreSQL, every row's legacy_row_hashes row as COPY text (ROW_HASH_COLUMNS), to copy as new."""
    versions: list[tuple[str, int]] = field(default_factory=list)
    """The filing versions the line items belong to, each once."""
    notes: dict[int, tuple[bool, list[str]]] = field(default_factory=dict)
    """Whether the row at an index was repaired and its flags, for the rows with either."""

    @property
    def size(self) -> int:
        return len(self.lines)

    @cached_property
    def keys(self) -> list[str]:
        return self.key_text.split("\n") if self.lines else []

    @cached_property
    def hashes(self) -> list[str]:
        text = self.hash_text
        return [text[start : start + HASH_SIZE] for start in range(0, len(text), HASH_SIZE)]

    @cached_property
    def copy_lines(self) -> list[str]:
        """The line items' COPY text, one string per row with its line end."""
        assert self.copy_text is not None
        return [line + "\n" for line in self.copy_text.split("\n")[:-1]]


_PREPARERS: dict[tuple[str, bytes], tuple[RowParser, TableMapping]] = {}
"""Parser and mapping per table and header, kept across the batches a worker process prepares."""


def _preparer(table: str, header: bytes) -> tuple[RowParser, TableMapping]:
    found = _PREPARERS.get((table, header))
    if found is None:
        parsed = Header.parse(header)
        found = RowParser(parsed), TableMapping(table, parsed.columns)
        if len(_PREPARERS) > 64:
            _PREPARERS.clear()
        _PREPARERS[(table, header)] = found
    return found


def split_lines(block: bytes) -> list[bytes]:
    """The lines of a block of the export, each with its line end as read (the last may have none)."""
    lines = [line + b"\n" for line in block.split(b"\n")]
    last = lines.pop()
    if last != b"\n":
        lines.append(last[:-1])
    return lines


def prepare_batch(
    table: str,
    header: bytes,
    first_line: int,
    block: bytes,
    run_id: str | None = None,
    migrated_at: datetime | None = None,
) -> PreparedBatch:
    """Parse the raw lines of `table` in `block`, the first being line `first_line`; key, hash and map each.

    A line that cannot be read or placed is quarantined; a line repeating an earlier one of the batch byte for
    byte is loaded as that one; a line repeating its key with other content is quarantined. With `run_id` (on
    PostgreSQL) line items, filings rows (an unknown filing date becoming `migrated_at`) and every row's hash
    are written as COPY text, ready to copy.
    """
    parser, mapping = _preparer(table, header)
    raws = split_lines(block)
    counts = TableCounts()
    batch = PreparedBatch(table, first_line, first_line + len(raws) - 1, counts)
    quarantined, lines, records, notes = batch.quarantined, batch.lines, batch.records, batch.notes
    keys: list[str] = []
    hashes: list[str] = []
    seen: dict[str, int] = {}
    flags = counts.flags
    as_copy = run_id is not None and mapping.target is Target.LINE
    is_record = mapping.target is Target.RECORD
    loaded = repaired = 0
    for line, raw in enumerate(raws, first_line):
        item = parser.parse(line, raw)
        if type(item) is QuarantinedRow:
            quarantined.append((line, item.reason))
            continue
        assert isinstance(item, LegacyRow)
        content = row_hash(raw)
        try:
            key, known = (content, None) if is_record else mapping.key(item)
        except Unmappable as problem:
            quarantined.append((line, str(problem)))
            continue
        earlier = seen.get(key)
        if earlier is not None:
            if hashes[earlier] == content:
                # A line repeated byte for byte adds nothing: it is loaded as the record already there.
                counts.unchanged += 1
            else:
                quarantined.append((line, f"duplicate key with different content (first at line {lines[earlier]})"))
                continue
        else:
            seen[key] = len(keys)
            if item.repaired or item.flags:
                notes[len(keys)] = (item.repaired, list(item.flags))
            keys.append(key)
            hashes.append(content)
            lines.append(line)
        loaded += 1
        if item.repaired:
            repaired += 1
        if item.flags:
            flags.update(reason_kind(flag) for flag in item.flags)
        if earlier is None:
            # Mapped after counting: a line item's part flag is kept with it, not counted among the export's.
            records.append(mapping.line_copy(item, known) if as_copy else mapping.map(item, known))
    if len(keys) > 1:
        keys, hashes = _in_key_order(batch, keys, hashes)
    counts.rows_read = len(raws)
    counts.loaded, counts.repaired = loaded, repaired
    for _, reason in quarantined:
        counts.quarantine_reasons[reason_kind(reason)] += 1
    counts.quarantined = len(quarantined)
    batch.key_text, batch.hash_text = "\n".join(keys), "".join(hashes)
    if mapping.target is Target.LINE:
        batch.versions = sorted(versions_of(keys))
    if run_id is not None:
        batch.hash_copy_text = "".join(
            [row_hash_line(table, key, content, run_id) for key, content in zip(keys, hashes, strict=True)]
        )
        if as_copy:
            batch.copy_text, batch.records = "".join(batch.records), []
        elif mapping.target in (Target.FILING, Target.COVER):
            assert migrated_at is not None
            batch.records = [
                FilingCopy(
                    row.values["filing_id"],
                    row.values["amendment"],
                    row.values["entity_id"],
                    bool(row.values["filed_at"]),
                    filing_copy_line(row.values, migrated_at),
                )
                for row in batch.records
            ]
    return batch


def _in_key_order(batch: PreparedBatch, keys: list[str], hashes: list[str]) -> tuple[list[str], list[str]]:
    """The batch's rows put in the order of their keys: the indexes they go into take them in order."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    batch.lines = [batch.lines[index] for index in order]
    batch.records = [batch.records[index] for index in order]
    if batch.notes:
        position = {before: after for after, before in enumerate(order)}
        batch.notes = {position[index]: note for index, note in batch.notes.items()}
    return [keys[index] for index in order], [hashes[index] for index in order]


def versions_of(keys: list[str]) -> set[tuple[str, int]]:
    """The filing versions line items belong to, read from their keys (`filing_id|amendment|part|line`)."""
    versions = set()
    for key in keys:
        filing_id, amendment, _ = key.split("|", 2)
        versions.add((filing_id, int(amendment)))
    return versions
