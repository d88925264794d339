"""Reading CAL-ACCESS's raw export: a zip streamed member by member, or a folder of TSV files.

The export is tab-separated with no quoting, CRLF line ends and damaged bytes; every line becomes either a
`LegacyRow` (values decoded, repaired where it could be done for certain, doubts flagged) or a
`QuarantinedRow` (its raw bytes and why). Nothing is skipped without a record.
"""

from __future__ import annotations

import io
import re
import zipfile
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, compress, count, islice, repeat
from operator import itemgetter, setitem
from pathlib import Path
from typing import BinaryIO

from filings.legacy.codes import KNOWN_CODES
from filings.legacy.columns import ColumnKind, column_kind, fits
from filings.legacy.values import decode_text, is_plain, normalise_code, normalise_date

_USUAL_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r"
"""Printable ASCII, tabs and line ends: the bytes of a plain line (deleted, what is left is unusual)."""
_STRAY_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True)
class TableSource:
    """One table of an export: its name (FILERS_CD...), its size in bytes and how to open it as a stream."""

    name: str
    size: int
    open: Callable[[], BinaryIO]


@dataclass
class LegacyRow:
    line: int
    raw: bytes
    values: list[str]
    """Aligned with the table's columns; blank values are empty strings."""
    flags: list[str] = field(default_factory=list)
    repaired: bool = False
    """Bytes or columns were repaired (a tab inside a value, a smart quote, a control byte)."""


@dataclass
class QuarantinedRow:
    line: int
    raw: bytes
    reason: str


@dataclass
class ParsedBlock:
    """The lines of a block parsed together: the rows that can load, in line order, and the lines that cannot."""

    rows_read: int
    lines: list[int]
    """Each row's line number."""
    values: list[list[str]]
    """Each row's values, aligned with the table's columns (as `LegacyRow.values`)."""
    contents: list[bytes]
    """Each row's bytes up to its line end (split at `ending`: before a line feed, a carriage return may remain)."""
    ending: bytes
    """The line end the block was split at: CRLF when every line ends so, else LF."""
    open_last: int
    """The index of the block's last line when it has no line end, else -1."""
    flags: dict[int, list[str]] = field(default_factory=dict)
    """The flags of the rows with any, by index."""
    repaired: set[int] = field(default_factory=set)
    quarantined: list[tuple[int, str]] = field(default_factory=list)
    """Line number and reason of each line that cannot be read."""

    def raw(self, index: int) -> bytes:
        """A row's bytes as read, with its line end."""
        return self.contents[index] + (b"" if index == self.open_last else self.ending)

    def row(self, index: int) -> LegacyRow:
        flags = self.flags.get(index)
        return LegacyRow(
            self.lines[index], self.raw(index), self.values[index], list(flags) if flags else [], index in self.repaired
        )

    def keep(self, indexes: list[int]) -> None:
        """Only the rows at these indexes (in order) kept, renumbered from 0."""
        position = {index: after for after, index in enumerate(indexes)}
        self.lines = [self.lines[index] for index in indexes]
        self.values = [self.values[index] for index in indexes]
        self.contents = [self.contents[index] for index in indexes]
        self.flags = {position[index]: flags for index, flags in self.flags.items() if index in position}
        self.repaired = {position[index] for index in self.repaired if index in position}
        if self.open_last >= 0:
            self.open_last = position.get(self.open_last, -1)


@dataclass
class Header:
    columns: list[str]
    kinds: list[ColumnKind]
    known: list[frozenset[str] | None]

    checked: list[tuple[int, ColumnKind, str, frozenset[str] | None]] = field(default_factory=list)
    """The date and code columns, whose values are checked: (position, kind, name, known codes)."""

    @classmethod
    def parse(cls, raw: bytes) -> Header:
        columns = raw.decode("ascii", "replace").rstrip("\r\n").strip().split("\t")
        kinds = [column_kind(c) for c in columns]
        known = [KNOWN_CODES.get(c) for c in columns]
        checked = [
            (index, kind, columns[index], known[index])
            for index, kind in enumerate(kinds)
            if kind is ColumnKind.DATE or kind is ColumnKind.CODE
        ]
        return cls(columns, kinds, known, checked)


def table_name(file_name: str) -> str | None:
    """`RCPT_CD` for `CalAccess/DATA/RCPT_CD.TSV` (any folder, any case); None for other files."""
    base = file_name.rsplit("/", 1)[-1]
    if not base.upper().endswith(".TSV"):
        return None
    return base[:-4].upper()


def open_export(path: Path) -> list[TableSource]:
    """The tables of an export, a zip file or a folder, in name order."""
    if path.is_dir():
        files = [(table_name(p.name), p) for p in sorted(path.rglob("*")) if p.is_file()]
        return [TableSource(name, p.stat().st_size, lambda p=p: p.open("rb")) for name, p in files if name]
    archive = zipfile.ZipFile(path)
    sources = []
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        name = table_name(info.filename)
        if name and not info.is_dir():
            sources.append(TableSource(name, info.file_size, lambda info=info: _buffered(archive.open(info))))
    return sources


def _buffered(member: BinaryIO) -> BinaryIO:
    """A zip member behind a C buffered reader: its lines split in C, not in zipfile's Python `readline`."""
    return io.BufferedReader(member, buffer_size=1 << 20)  # type: ignore[arg-type]


@contextmanager
def opened(source: TableSource) -> Iterator[BinaryIO]:
    stream = source.open()
    try:
        yield stream
    finally:
        stream.close()


class TableReader:
    """Rows of one table read from a binary stream, the header first; `line` numbers count from 1."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.bytes_read = 0
        first = stream.readline()
        self.bytes_read += len(first)
        self.header_raw = first
        self.header = Header.parse(first) if first.strip() else None
        self.parser = RowParser(self.header) if self.header is not None else None

    def rows(self, skip_to: int = 1) -> Iterator[LegacyRow | QuarantinedRow]:
        """Every data line after line `skip_to` (a checkpoint), parsed."""
        if self.parser is None:
            return
        parse = self.parser.parse
        line = 1
        for raw in self.stream:
            line += 1
            self.bytes_read += len(raw)
            if line <= skip_to:
                continue
            yield parse(line, raw)

    def chunks(self, size: int, skip_to: int = 1) -> Iterator[tuple[int, list[bytes]]]:
        """The raw data lines after line `skip_to`, `size` at a time, each chunk with its first line's number."""
        if self.header is None:
            return
        stream, line = self.stream, 1
        while line < skip_to:
            skipped = list(islice(stream, min(skip_to - line, 100_000)))
            if not skipped:
                return
            line += len(skipped)
            self.bytes_read += sum(map(len, skipped))
        while chunk := list(islice(stream, size)):
            self.bytes_read += sum(map(len, chunk))
            yield line + 1, chunk
            line += len(chunk)

    def parse(self, line: int, raw: bytes) -> LegacyRow | QuarantinedRow:
        assert self.parser is not None
        return self.parser.parse(line, raw)


class RowParser:
    """Parses the data lines of one table given its header; keeps the dates it met to convert them once."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.width = len(header.columns)
        self._dates: dict = {}

    def parse(self, line: int, raw: bytes) -> LegacyRow | QuarantinedRow:
        found = self.fields(line, raw)
        if type(found) is QuarantinedRow:
            return found
        values, flags, repaired = found
        return self._checked(line, raw, values, flags, repaired)

    def fields(self, line: int, raw: bytes) -> tuple[list[str], list[str], bool] | QuarantinedRow:
        """A line's values decoded and repaired, its flags and whether it was repaired; dates and codes unchecked."""
        body = raw[:-1] if raw.endswith(b"\n") else raw
        stripped = body.rstrip(b"\r")
        flags = ["stray carriage return at the end of the line"] if len(body) - len(stripped) > 1 else []
        if not stripped.strip(b" \x1a"):
            return QuarantinedRow(line, raw, "blank line")
        width = self.width
        if is_plain(stripped):
            values = stripped.decode("ascii").split("\t")
            if len(values) == width:
                return values, flags, False
        fields = stripped.split(b"\t")
        repaired = False
        if len(fields) != width:
            realigned = realign(fields, self.header.kinds)
            if realigned is None:
                reason = "too few fields" if len(fields) < width else "tab inside a value: columns ambiguous"
                return QuarantinedRow(line, raw, f"{reason} ({len(fields)} fields, {width} columns)")
            fields, repaired = realigned, True
            flags.append(f"tab inside a value repaired ({len(fields)} columns realigned)")
        values = []
        for column, value in zip(self.header.columns, fields, strict=True):
            if is_plain(value):
                values.append(value.decode("ascii"))
                continue
            text, value_flags = decode_text(value, column)
            values.append(text)
            flags.extend(value_flags)
            repaired = True
        return values, flags, repaired

    def parse_block(self, first_line: int, block: bytes) -> ParsedBlock:
        """Every line of a block of the export (`split_lines`), the first being line `first_line`, parsed as `parse`
        parses each: the plain lines (printable ASCII, one value per column, nothing to repair) split together,
        the others one by one, then each date and code column checked once per distinct value."""
        crlf = block.count(b"\r\n")
        ending = b"\r\n" if crlf == block.count(b"\n") else b"\n"
        lines = block.split(ending)
        texts = block.decode("latin-1").split(ending.decode("ascii"))
        if lines[-1]:
            open_last = len(lines) - 1
        else:
            open_last = -1
            lines.pop()
            texts.pop()
        if ending == b"\n" and b"\r" in block:
            texts = [text.rstrip("\r") for text in texts]
        values = list(map(str.split, texts, repeat("\t")))
        parsed = ParsedBlock(len(lines), [], values, lines, ending, open_last)
        width = self.width
        unusual = self._unusual_lines(block, lines, ending, crlf)
        lengths = list(map(len, values))
        if lengths.count(width) != len(lengths):
            unusual.update(index for index, length in enumerate(lengths) if length != width)
        if width == 1:
            unusual.update(index for index, text in enumerate(texts) if not text.strip(" "))
        dropped: set[int] = set()
        for index in sorted(unusual):
            found = self.fields(first_line + index, parsed.raw(index))
            if type(found) is QuarantinedRow:
                parsed.quarantined.append((found.line, found.reason))
                dropped.add(index)
                continue
            values[index], flags, repaired = found
            if flags:
                parsed.flags[index] = flags
            if repaired:
                parsed.repaired.add(index)
        parsed.lines = list(range(first_line, first_line + len(lines)))
        if dropped:
            parsed.keep([index for index in range(len(lines)) if index not in dropped])
        self._check_columns(parsed)
        return parsed

    @staticmethod
    def _unusual_lines(block: bytes, lines: list[bytes], ending: bytes, crlf: int) -> set[int]:
        """The lines holding a byte that is not printable ASCII, a tab or a line end, or a carriage return not
        ending the line: found with byte searches over the whole block, not line by line."""
        positions: list[int] = []
        for byte in set(block.translate(None, _USUAL_BYTES)):
            wanted, position = bytes((byte,)), block.find(bytes((byte,)))
            while position >= 0:
                positions.append(position)
                position = block.find(wanted, position + 1)
        if block.count(b"\r") != crlf:
            positions.extend(found.start() for found in _STRAY_CR.finditer(block))
        if not positions:
            return set()
        # Where each line's successor starts.
        starts = list(accumulate(map(len(ending).__add__, map(len, lines))))
        return {bisect_right(starts, position) for position in positions}

    def _check_columns(self, parsed: ParsedBlock) -> None:
        """`_checked` for every row of a block at once: each distinct value of a date or code column checked once,
        the column rewritten where a value changed, flags added to the rows holding a flagged value."""
        rows, flags, dates = parsed.values, parsed.flags, self._dates
        for index, kind, column, known in self.header.checked:
            texts = list(map(itemgetter(index), rows))
            found: dict[str, tuple[str, list[str]]] = {}
            for text in set(texts):
                if not text:
                    continue
                if kind is ColumnKind.DATE:
                    value, flag = normalise_date(text, column, dates)
                    value_flags = [flag] if flag else []
                elif known is None and text.isupper() and text.strip() == text or (known and text in known):
                    continue
                else:
                    value, value_flags = normalise_code(text, column, known)
                if value != text or value_flags:
                    found[text] = (value, value_flags)
            if not found:
                continue
            changed = {text: value for text, (value, _) in found.items() if value != text}
            if changed:
                deque(map(setitem, rows, repeat(index), map(changed.get, texts, texts)), maxlen=0)
            flagged = {text: value_flags for text, (_, value_flags) in found.items() if value_flags}
            if flagged:
                for position in compress(count(), map(flagged.__contains__, texts)):
                    flags.setdefault(position, []).extend(flagged[texts[position]])

    def _checked(self, line: int, raw: bytes, values: list[str], flags: list[str], repaired: bool) -> LegacyRow:
        dates = self._dates
        for index, kind, column, known in self.header.checked:
            text = values[index]
            if not text:
                continue
            if kind is ColumnKind.DATE:
                seen = dates.get(text)
                if seen is not None and seen[1] is None:
                    # A date met before and valid: most dates repeat (the time is almost always midnight).
                    values[index] = seen[0]
                    continue
                value, flag = normalise_date(text, column, dates)
                values[index] = value
                if flag:
                    flags.append(flag)
            elif known is None and text.isupper() and text.strip() == text or (known and text in known):
                continue
            else:
                values[index], value_flags = normalise_code(text, column, known)
                flags.extend(value_flags)
        return LegacyRow(line, raw, values, flags, repaired)


def realign(fields: list[bytes], kinds: list[ColumnKind]) -> list[bytes] | None:
    """The fields with a tab put back inside the one free-text value it split, if exactly one way fits.

    Each free-text column is tried as the one the extra fields belong to; a way fits when every other value
    suits its column (dates, amounts, integers). Several fitting ways, or none, mean no repair.
    """
    extra = len(fields) - len(kinds)
    if extra <= 0:
        return None
    found: set[tuple[bytes, ...]] = set()
    for index, kind in enumerate(kinds):
        if kind is not ColumnKind.TEXT:
            continue
        merged = [*fields[:index], b"\t".join(fields[index : index + extra + 1]), *fields[index + extra + 1 :]]
        if all(fits(k, value) for k, value in zip(kinds, merged, strict=True)):
            found.add(tuple(merged))
    return list(found.pop()) if len(found) == 1 else None
