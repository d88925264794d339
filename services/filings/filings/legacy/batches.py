"""Preparing one batch of an export's lines for writing: parsed, keyed, hashed and mapped, without the database.

`prepare_batch` is a plain function of its arguments so that worker processes can run it side by side
(`cars-migrate load --jobs N`) while one connection writes the batches in order; with one job it runs inline.
What needs the database (whether a key is already in CARS, and with which content) is left to the writer.
A batch travels between processes as a few long strings rather than one object per row: the raw lines as one
block, and back the keys, the hashes and the rows to COPY each joined into one text.

A batch is worked column by column where it can be: its lines split together (`RowParser.parse_block`), each
distinct date, code, filing ID, amendment, line number and part checked or mapped once, line items' data
written as JSON straight from their values; a line needing repair or escaping takes the row-by-row path.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import chain, compress
from operator import itemgetter
from typing import Any

from filings.legacy.copytext import COPY_ESCAPES, FilingCopy, copy_json, filing_copy_line
from filings.legacy.counts import TableCounts, reason_kind
from filings.legacy.mapping import LinePlaces, TableMapping, Target, Unmappable, row_hash
from filings.legacy.reader import Header, ParsedBlock, RowParser

HASH_SIZE = 32
"""Characters of a row hash (hex)."""
PART_BYTES = 1 << 16
"""A batch is parsed and mapped in parts of about this many bytes (a few hundred lines): a part's rows stay in the
processor's caches from their splitting to the text they become, and memory holds one part's rows at a time."""


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
    with _cycle_collection_paused():
        return _prepare(table, header, first_line, block, run_id, migrated_at)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """A batch holds tens of thousands of lists at once and no reference cycle: the cycle collector, run every
    700 new containers, would traverse them (and in its full passes the whole heap) for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _prepare(
    table: str, header: bytes, first_line: int, block: bytes, run_id: str | None, migrated_at: datetime | None
) -> PreparedBatch:
    parser, mapping = _preparer(table, header)
    rows_read = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
    batch = PreparedBatch(table, first_line, first_line + rows_read - 1, TableCounts())
    # Each part parsed just before it is mapped, its rows dropped once it is.
    parts = ((parser.parse_block(line, part), part) for line, part in _parts(first_line, block))
    if run_id is not None and mapping.target is Target.LINE:
        _prepare_line_copies(batch, parts, mapping)
    else:
        as_filings = run_id is not None and mapping.target in (Target.FILING, Target.COVER)
        _prepare_rows(batch, (parsed for parsed, _ in parts), mapping, with_json=as_filings)
    counts = batch.counts
    counts.rows_read = rows_read
    for _, reason in batch.quarantined:
        counts.quarantine_reasons[reason_kind(reason)] += 1
    counts.quarantined = len(batch.quarantined)
    if mapping.target is Target.LINE and not batch.versions:
        batch.versions = sorted(versions_of(batch.keys))
    if run_id is not None:
        batch.hash_copy_text = hash_copy_text(table, batch.key_text, batch.hashes, run_id)
        if mapping.target in (Target.FILING, Target.COVER):
            assert migrated_at is not None
            batch.records = [
                FilingCopy(
                    row.values["filing_id"],
                    row.values["amendment"],
                    row.values["entity_id"],
                    bool(row.values["filed_at"]),
                    filing_copy_line(row.values, migrated_at, data_json),
                )
                for row, data_json in batch.records
            ]
    return batch


def hash_copy_text(table: str, key_text: str, hashes: list[str], run_id: str) -> str:
    """Every row's legacy_row_hashes row (ROW_HASH_COLUMNS) as COPY text, its keys escaped only if one needs it."""
    if not hashes:
        return ""
    keys = key_text.split("\n")
    if "\\" in key_text or "\t" in key_text or "\r" in key_text:
        keys = [key.translate(COPY_ESCAPES) for key in keys]
    line = _braced(table) + "\t{}\t{}\t" + _braced(run_id) + "\n"
    return "".join(map(line.format, keys, hashes))


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _parts(first_line: int, block: bytes) -> Iterator[tuple[int, bytes]]:
    """A batch's block cut after a line end about every PART_BYTES, each part with its first line's number."""
    start, line = 0, first_line
    while start < len(block):
        cut = block.find(b"\n", start + PART_BYTES)
        end = len(block) if cut < 0 else cut + 1
        part = block[start:end]
        yield line, part
        line += part.count(b"\n")
        start = end


def _prepare_rows(
    batch: PreparedBatch, parts: Iterable[ParsedBlock], mapping: TableMapping, *, with_json: bool
) -> None:
    """Key, hash and map the rows one by one (every table elsewhere than PostgreSQL; all but line items on it).

    `with_json`: each record is kept with its data as JSON text where it can be written straight from the
    values (`TableMapping.data_json`), for filings rows with a filing date."""
    counts = batch.counts
    quarantined, lines, records, notes = batch.quarantined, batch.lines, batch.records, batch.notes
    keys: list[str] = []
    hashes: list[str] = []
    seen: dict[str, int] = {}
    flags = counts.flags
    is_record = mapping.target is Target.RECORD
    loaded = repaired = 0
    for parsed, index in _rows_of(parts, quarantined):
        item = parsed.row(index)
        line = item.line
        content = row_hash(item.raw)
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
                quarantined.append((line, _duplicate_key(lines[earlier])))
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
            record = mapping.map(item, known)
            if with_json:
                record = (record, mapping.data_json(item) if record.values["filed_at"] else None)
            records.append(record)
    if len(keys) > 1:
        keys, hashes = _in_key_order(batch, keys, hashes)
    quarantined.sort()
    counts.loaded, counts.repaired = loaded, repaired
    batch.key_text, batch.hash_text = "\n".join(keys), "".join(hashes)


def _duplicate_key(first_line: int) -> str:
    """Why a line repeating an earlier line's key with other content is quarantined."""
    return f"duplicate key with different content (first at line {first_line})"


def _rows_of(parts: Iterable[ParsedBlock], quarantined: list[tuple[int, str]]) -> Iterator[tuple[ParsedBlock, int]]:
    """Each row of the parts in line order (the lines they could not read added to `quarantined`)."""
    for parsed in parts:
        quarantined.extend(parsed.quarantined)
        for index in range(len(parsed.lines)):
            yield parsed, index


def _prepare_line_copies(
    batch: PreparedBatch, parts: Iterable[tuple[ParsedBlock, bytes]], mapping: TableMapping
) -> None:
    """`_prepare_rows` for line items on PostgreSQL, column by column: keys and places mapped once per distinct
    value, each row's data written as JSON straight from its values; a row that cannot be placed, was repaired
    or holds a quote or backslash is mapped on its own as `_prepare_rows` does."""
    counts, quarantined = batch.counts, batch.quarantined
    lines: list[int] = []
    keys: list[str | None] = []
    hashes: list[str] = []
    texts: list[str] = []
    versions: list[tuple[str | None, int | None]] = []
    row_flags: dict[int, list[str]] = {}
    repaired_rows: set[int] = set()
    for parsed, block in parts:
        offset = len(lines)
        part_keys, part_texts, part_versions = _line_copies(parsed, mapping, block, quarantined)
        lines += parsed.lines
        keys += part_keys
        hashes += map(row_hash, parsed.contents)
        texts += part_texts
        versions += part_versions
        row_flags.update((offset + index, flags) for index, flags in parsed.flags.items())
        repaired_rows.update(offset + index for index in parsed.repaired)
    if None in keys:
        placed = [index for index, key in enumerate(keys) if key is not None]
        distinct = len(set(map(keys.__getitem__, placed)))
    else:
        placed, distinct = list(range(len(keys))), len(set(keys))
    kept = loaded = placed
    if distinct != len(placed):
        kept, loaded = [], []
        seen: dict[str | None, int] = {}
        for index in placed:
            key = keys[index]
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = index
                kept.append(index)
            elif hashes[earlier] == hashes[index]:
                # A line repeated byte for byte adds nothing: it is loaded as the record already there.
                counts.unchanged += 1
            else:
                quarantined.append((lines[index], _duplicate_key(lines[earlier])))
                continue
            loaded.append(index)
    quarantined.sort()
    counts.loaded = len(loaded)
    counts.repaired = sum(1 for index in loaded if index in repaired_rows) if repaired_rows else 0
    if row_flags:
        for index in loaded:
            flags = row_flags.get(index)
            if flags:
                counts.flags.update(reason_kind(flag) for flag in flags)
    order = sorted(kept, key=keys.__getitem__)
    batch.lines = [lines[index] for index in order]
    if repaired_rows or row_flags:
        for position, index in enumerate(order):
            if index in repaired_rows or index in row_flags:
                batch.notes[position] = (index in repaired_rows, list(row_flags.get(index, ())))
    ordered_keys = [keys[index] for index in order]
    batch.key_text = "\n".join(ordered_keys)  # type: ignore[arg-type]
    batch.hash_text = "".join([hashes[index] for index in order])
    batch.copy_text = "".join([texts[index] for index in order])
    found = set(map(versions.__getitem__, order))
    if all(None not in version and "|" not in version[0] for version in found):  # type: ignore[operator]
        # Else the keys tell the versions, as `versions_of` reads them.
        batch.versions = sorted(found)  # type: ignore[arg-type]


def _line_copies(
    parsed: ParsedBlock, mapping: TableMapping, block: bytes, quarantined: list[tuple[int, str]]
) -> tuple[list[str | None], list[str], list[tuple[str | None, int | None]]]:
    """The key (None for a row quarantined here), COPY text and filing version of each row of a part of a batch."""
    rows, contents = parsed.values, parsed.contents
    places = mapping.line_places(rows)
    keys = places.keys
    texts = _line_texts(mapping, rows, places, parsed.flags)
    alone = set(parsed.repaired)
    if None in keys:
        alone.update(index for index, key in enumerate(keys) if key is None)
    if b'"' in block or b"\\" in block:
        alone.update(index for index, content in enumerate(contents) if b'"' in content or b"\\" in content)
    quarantined.extend(parsed.quarantined)
    for index in sorted(alone):
        item = parsed.row(index)
        try:
            key, known = mapping.key(item)
        except Unmappable as problem:
            quarantined.append((item.line, str(problem)))
            keys[index] = None
            continue
        keys[index], texts[index] = key, mapping.line_copy(item, known)
    return keys, texts, places.versions


def _line_texts(
    mapping: TableMapping, rows: list[list[str]], places: LinePlaces, row_flags: dict[int, list[str]]
) -> list[str]:
    """Each row as a line of COPY text (`TableMapping.line_copy` for a plain row), written column by column.

    A row's data is one join of its filled-in values, each after its JSON name with the separator before it
    (`TableMapping.json_names`), the first separator then dropped: no string is built per value."""
    named = mapping.json_names
    persons = []
    for name, positions in mapping.json_person_names:
        columns = [list(map(itemgetter(position), rows)) for position in positions]
        # A name is written when some part is filled in: then " ".join of the parts outgrows the spaces between.
        least = len(positions)
        joined = map(" ".join, zip(*columns, strict=True))
        persons.append([name + " ".join(text.split()) if len(text) >= least else None for text in joined])
    pairs = chain.from_iterable
    if persons:
        extras = zip(*persons, strict=True)
        bodies = [
            "".join(chain(pairs(zip(compress(named, values), filter(None, values), strict=True)), filter(None, extra)))
            for values, extra in zip(rows, extras, strict=True)
        ]
    else:
        bodies = ["".join(pairs(zip(compress(named, values), filter(None, values), strict=True))) for values in rows]
    starts = places.starts
    texts = [f'{start}{{{body[2:]}"}}\n' for start, body in zip(starts, bodies, strict=True)]
    part_flags = places.flags
    special = {index for index, body in enumerate(bodies) if not body}
    special.update(row_flags)
    if any(part_flags):
        special.update(index for index, flag in enumerate(part_flags) if flag)
    for index in special:
        body = bodies[index][2:] + '"' if bodies[index] else ""
        flag = part_flags[index]
        flags = row_flags.get(index, [])
        flags = [*flags, flag] if flag else flags
        if flags:
            body += ("," if body else "") + '"legacy_flags":' + copy_json(flags)
        texts[index] = f"{starts[index]}{{{body}}}\n"
    return texts


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
