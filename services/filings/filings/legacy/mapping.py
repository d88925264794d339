"""Where each CAL-ACCESS table goes in CARS, and how one of its rows becomes a CARS record.

Filers, their names and cross-references become filing entities (the legacy filer ID is the entity ID);
FILER_FILINGS_CD and the cover tables become filings, one row per amendment (FILING_ID + AMEND_ID, the
current version being the highest); transactions become line items of their filing, in a part named for the
schedule or form part they belong to; lookups and filing periods become reference tables. A table with no
CARS home is kept whole as legacy records. Every target row has a natural key, so a rerun finds it again.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain, compress
from operator import itemgetter
from typing import Any

from filings.legacy.codes import ENTITY_STATUSES, ENTITY_TYPES
from filings.legacy.copytext import COPY_ESCAPES, copy_json, to_json
from filings.legacy.reader import LegacyRow


class Target(StrEnum):
    ENTITY = "entity"
    FILER_NAME = "filer_name"
    FILER_XREF = "filer_xref"
    FILING = "filing"
    COVER = "cover"
    LINE = "line"
    LOOKUP_CODE = "lookup_code"
    FILING_PERIOD = "filing_period"
    RECORD = "record"


FILERS, FILER_NAMES, FILER_XREFS, FILER_FILINGS = "FILERS_CD", "FILERNAME_CD", "FILER_XREF_CD", "FILER_FILINGS_CD"
COVER_TABLES = frozenset(
    {
        "CVR_CAMPAIGN_DISCLOSURE_CD",
        "CVR_REGISTRATION_CD",
        "CVR_LOBBY_DISCLOSURE_CD",
        "CVR_SO_CD",
        "CVR_E530_CD",
        "CVR_F470_CD",
        "F501_502_CD",
    }
)
"""Tables holding a filing's cover page: one row per filing version."""

FORM_PARTS: dict[str, frozenset[str]] = {
    "RCPT_CD": frozenset({"A", "A-1", "C", "I", "F401A", "F496P3", "F900"}),
    "EXPN_CD": frozenset({"D", "E", "G", "F401B", "F401B-1", "F450P5", "F461P5", "F465P3", "F900"}),
    "LOAN_CD": frozenset({"B1", "B2", "B3", "H", "H1", "H2", "H3"}),
    "DEBT_CD": frozenset({"F"}),
    "S496_CD": frozenset({"F496"}),
    "S497_CD": frozenset({"F497P1", "F497P2"}),
    "S498_CD": frozenset({"F498-A", "F498-R"}),
    "LPAY_CD": frozenset({"F625P2", "F635P3B"}),
    "LEXP_CD": frozenset({"F615P1", "F625P3A", "F635P3C", "F645P2A"}),
    "LCCM_CD": frozenset({"F615P2", "F625P4B", "F635P4B", "F645P3B"}),
    "LOTH_CD": frozenset({"F625P3B"}),
    "LEMP_CD": frozenset({"F601P2A", "F601P2B"}),
    "LATT_CD": frozenset({"S630", "S635-C", "S640"}),
}
"""Transaction tables and the schedules or form parts each holds; no two tables share a part."""

PREFIXED_PARTS = {"SMRY_CD": ("summary_", "FORM_TYPE"), "TEXT_MEMO_CD": ("memo_", "FORM_TYPE")}
"""Tables whose rows attach to any part: the part is named with a prefix (`summary_schedule_a`)."""

FIXED_PARTS = {
    "SPLT_CD": "election_splits",
    "CVR2_CAMPAIGN_DISCLOSURE_CD": "cover_persons",
    "CVR2_LOBBY_DISCLOSURE_CD": "lobbying_persons",
    "CVR2_REGISTRATION_CD": "registration_persons",
    "CVR2_SO_CD": "organization_persons",
    "CVR3_VERIFICATION_INFO_CD": "verification",
}
"""Tables whose rows form one part of their filing whatever their form type."""

LOOKUP_CODES, FILING_PERIODS = "LOOKUP_CODES_CD", "FILING_PERIOD_CD"

LOAD_ORDER = (FILERS, FILER_NAMES, FILER_XREFS, *sorted(COVER_TABLES), FILER_FILINGS)
"""Filers before their filings, covers before FILER_FILINGS_CD (whose header columns prevail)."""

READABLE_NAMES = {
    "RCPT_DATE": "date",
    "EXPN_DATE": "date",
    "EXP_DATE": "date",
    "PMT_DATE": "date",
    "AMOUNT": "amount",
    "CUM_YTD": "cumulative_to_date",
    "TRAN_ID": "transaction_id",
    "CMTE_ID": "committee_id",
    "CTRIB_EMP": "employer",
    "CTRIB_OCC": "occupation",
    "EXPN_DSCR": "description",
    "CTRIB_DSCR": "description",
    "LOAN_DATE1": "loan_date",
    "LOAN_DATE2": "date_due",
    "LOAN_RATE": "interest_rate",
    "INT_RATE": "interest_rate",
    "TEXT4000": "text",
    "ENTITY_CD": "entity_code",
    "FORM_TYPE": "form_type",
    "REC_TYPE": "record_type",
    "MEMO_CODE": "memo_code",
    "MEMO_REFNO": "memo_reference",
    "BAKREF_TID": "back_reference_transaction_id",
}
"""Legacy columns with a name in the project's form declarations; other columns keep their legacy name."""

NAME_PARTS = ("NAMT", "NAMF", "NAML", "NAMS")
PERSON_NAMES = {
    "CTRIB_": "contributor_name",
    "PAYEE_": "payee_name",
    "LNDR_": "lender_name",
    "FILER_": "filer_name",
    "CAND_": "candidate_name",
    "EMPLR_": "employer_name",
    "RECIP_": "recipient_name",
    "CLI_": "client_name",
    "ENTY_": "name",
}
"""Prefixes of CAL-ACCESS's four-part names (title, first, last, suffix), joined into one readable name."""

_filled = operator.itemgetter(1)
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+")

UNKNOWN_FILER = "0"
"""Entity of the filings whose cover names no filer."""


@dataclass(frozen=True)
class MappedRow:
    key: str
    """The row's natural key within its table: found again by a rerun or a newer export."""
    target: Target
    values: dict[str, Any]


@dataclass(frozen=True)
class LinePlace:
    """Where a line item goes (its filing version, part and line number), found with its key: mapped once."""

    place: dict[str, Any]
    flag: str | None


@dataclass(frozen=True)
class LinePlaces:
    """Where each row of a batch of line items goes (`TableMapping.line_places`), aligned with the rows."""

    keys: list[str | None]
    starts: list[str]
    """The row's filing_id, amendment, part and line in COPY text, each followed by a tab (the data comes next)."""
    flags: list[str | None]
    versions: list[tuple[str | None, int | None]]


class Unmappable(ValueError):
    """A row that cannot be placed (its keys are missing or not numbers): it is quarantined with this reason."""


def row_hash(raw: bytes) -> str:
    """What identifies a row's content: an export whose row hashes the same changed nothing in it."""
    return hashlib.blake2b(raw.rstrip(b"\r\n"), digest_size=16).hexdigest()


@functools.lru_cache(maxsize=1024)
def part_name(form_type: str) -> str:
    """`schedule_a` for A, `f497p1` for F497P1, `f498_a` for F498-A."""
    text = re.sub(r"[^a-z0-9]+", "_", form_type.lower()).strip("_") or "blank"
    if re.fullmatch(r"[a-i](\d)?(_\d)?", text):
        return f"schedule_{text}"
    return text[:40]


class TableMapping:
    """Turns the rows of one table, read with its header, into CARS records."""

    def __init__(self, table: str, columns: list[str]) -> None:
        self.table = table
        self.columns = columns
        self.index = {name: position for position, name in enumerate(columns)}
        self.target = target_of(table)
        self.stem = table.removesuffix("_CD").lower()
        names: list[str] = []
        for column in columns:
            readable = READABLE_NAMES.get(column, column)
            names.append(column if readable in names else readable)
        self.names = names
        self.person_names = [
            (name, [self.index[prefix + part] for part in NAME_PARTS if prefix + part in self.index])
            for prefix, name in PERSON_NAMES.items()
            if prefix + "NAML" in self.index and name not in names
        ]
        self._map = getattr(self, f"_{self.target.value}")
        self._quoted = ['"' + name + '":"' for name in names]
        self._person_names = [('"' + name + '":"', positions) for name, positions in self.person_names]
        self.json_names = ['","' + name + '":"' for name in names]
        """Each column's JSON name with the separator before it, for data written straight from the values: a
        row's data is the join of its filled-in values each after its name, the first separator dropped."""
        self.json_person_names = [('","' + name + '":"', positions) for name, positions in self.person_names]
        self.plain_names = (
            len(set(names)) == len(names)
            and "legacy_flags" not in names
            and all(_PLAIN_NAME.fullmatch(name) for name in names)
        )
        """Whether every name is its own JSON string body, each once (else data goes through the encoder)."""

    def key(self, row: LegacyRow) -> tuple[str, MappedRow | LinePlace | None]:
        """A row's natural key, cheaply where it can be (line items, kept records), with what was mapped of it
        (to pass to `map`). Raises Unmappable as `map` would.
        """
        if self.target is Target.LINE:
            key, place, flag = self._line_place(row)
            return key, LinePlace(place, flag)
        if self.target is Target.RECORD:
            return row_hash(row.raw), None
        mapped = self.map(row)
        return mapped.key, mapped

    def map(self, row: LegacyRow, known: MappedRow | LinePlace | None = None) -> MappedRow:
        """The CARS record of a row, from what `key` mapped of it if given; raises Unmappable when its keys are
        missing."""
        if isinstance(known, MappedRow):
            return known
        if isinstance(known, LinePlace):
            data = self.data(row)
            if known.flag:
                data.setdefault("legacy_flags", []).append(known.flag)
            place = known.place
            key = f"{place['filing_id']}|{place['amendment']}|{place['part']}|{place['line']}"
            return MappedRow(key, Target.LINE, {**place, "data": data})
        return self._map(row)

    def line_copy(self, row: LegacyRow, known: MappedRow | LinePlace | None = None) -> str:
        """A line item as one line of COPY text (filing_id, amendment, part, line, data), from what `key` mapped
        of it if given; its data is written as JSON directly when no value needs escaping."""
        if not isinstance(known, LinePlace):
            _, place, flag = self._line_place(row)
            known = LinePlace(place, flag)
        place = known.place
        raw = row.raw
        if row.repaired or b'"' in raw or b"\\" in raw:
            data = self.data(row)
            if known.flag:
                data["legacy_flags"] = [*data.get("legacy_flags", ()), known.flag]
            return (
                f"{place['filing_id'].translate(COPY_ESCAPES)}\t{place['amendment']}\t"
                f"{place['part'].translate(COPY_ESCAPES)}\t{place['line']}\t{copy_json(data)}\n"
            )
        # Plain ASCII without quotes or backslashes: every value is its own JSON string body and COPY text.
        values = row.values
        pieces = list(map(str.__add__, compress(self._quoted, values), filter(None, values)))
        for quoted, positions in self._person_names:
            parts = [values[position] for position in positions if values[position]]
            if parts:
                pieces.append(quoted + " ".join(" ".join(parts).split()))
        body = '",'.join(pieces) + '"' if pieces else ""
        flags = [*row.flags, known.flag] if known.flag else row.flags
        if flags:
            body += ("," if body else "") + '"legacy_flags":' + copy_json(flags)
        return f"{place['filing_id']}\t{place['amendment']}\t{place['part']}\t{place['line']}\t{{{body}}}\n"

    def data(self, row: LegacyRow) -> dict[str, Any]:
        """The row's filled-in values under readable names, joined person names and the row's flags."""
        values = row.values
        # The reader gives every row one value per column; filter() keeps the loop in C (most values are blank).
        data = dict(filter(_filled, zip(self.names, values, strict=False)))
        for name, positions in self.person_names:
            parts = [values[position] for position in positions if values[position]]
            if parts:
                data[name] = " ".join(" ".join(parts).split())
        if row.flags:
            data["legacy_flags"] = row.flags
        return data

    def data_json(self, row: LegacyRow) -> str | None:
        """`data` of a row as JSON text (as `to_json` writes it), written straight from its values when they are
        plain text (no quote, backslash or repaired byte: each is its own JSON string body); else None."""
        raw = row.raw
        if row.repaired or b'"' in raw or b"\\" in raw or not self.plain_names:
            return None
        values = row.values
        pieces = list(chain.from_iterable(zip(compress(self.json_names, values), filter(None, values), strict=True)))
        for quoted, positions in self.json_person_names:
            parts = [values[position] for position in positions if values[position]]
            if parts:
                pieces.append(quoted + " ".join(" ".join(parts).split()))
        text = "{" + "".join(pieces)[2:] + '"' if pieces else "{"
        if row.flags:
            text += ("," if pieces else "") + '"legacy_flags":' + to_json(row.flags)
        return text + "}"

    def value(self, row: LegacyRow, column: str) -> str:
        position = self.index.get(column)
        return row.values[position].strip() if position is not None else ""

    def number(self, row: LegacyRow, column: str) -> int:
        return number_of(column, self.value(row, column))

    def identifier(self, row: LegacyRow, column: str) -> str:
        return identifier_of(column, self.value(row, column))

    def line_places(self, rows: list[list[str]]) -> LinePlaces:
        """`_line_place` for rows of line items at once, each distinct value mapped once: each row's key (None
        for a row that cannot be placed, which `key` tells why), its COPY text up to its data, its part's flag
        and its filing version."""
        size = len(rows)
        ids, amendments, items = (self._column(rows, name) for name in ("FILING_ID", "AMEND_ID", "LINE_ITEM"))
        id_of = _mapped(set(ids), lambda text: identifier_of("FILING_ID", text.strip()))
        amendment_of = _mapped(set(amendments), lambda text: number_of("AMEND_ID", text.strip()))
        line_of = _mapped(set(items), lambda text: line_number(text.strip()))
        if self.table in FIXED_PARTS:
            parts: list[str] = [FIXED_PARTS[self.table]] * size
            flags: list[str | None] = [None] * size
        else:
            column = PREFIXED_PARTS[self.table][1] if self.table in PREFIXED_PARTS else "FORM_TYPE"
            forms = self._column(rows, column)
            part_of = {text: self._part(text.strip()) for text in set(forms)}
            parts = [part_of[text][0] for text in forms]
            flags = [part_of[text][1] for text in forms]
        filing_ids = list(map(id_of.__getitem__, ids))
        numbers = list(map(amendment_of.__getitem__, amendments))
        lines = list(map(line_of.__getitem__, items))
        keys: list[str | None] = list(map("{}|{}|{}|{}".format, filing_ids, numbers, parts, lines))
        starts = list(map("{}\t{}\t{}\t{}\t".format, filing_ids, numbers, parts, lines))
        if None in id_of.values() or None in amendment_of.values() or None in line_of.values():
            for index, placed in enumerate(zip(filing_ids, numbers, lines, strict=True)):
                if None in placed:
                    keys[index] = None
        return LinePlaces(keys, starts, flags, list(zip(filing_ids, numbers, strict=True)))

    def _column(self, rows: list[list[str]], column: str) -> list[str]:
        position = self.index.get(column)
        return list(map(itemgetter(position), rows)) if position is not None else [""] * len(rows)

    def _part(self, text: str) -> tuple[str, str | None]:
        """The part a line item goes in, named from its form type (or prefixed column), and a flag on it."""
        if self.table in FIXED_PARTS:
            return FIXED_PARTS[self.table], None
        if self.table in PREFIXED_PARTS:
            return (PREFIXED_PARTS[self.table][0] + part_name(text))[:40], None
        if text in FORM_PARTS[self.table]:
            return part_name(text), None
        return f"{self.stem}_{part_name(text)}"[:40], f"FORM_TYPE: unknown form part {text!r}"

    def _entity(self, row: LegacyRow) -> MappedRow:
        filer_id = self.identifier(row, "FILER_ID")
        return MappedRow(filer_id, Target.ENTITY, {"entity_id": filer_id})

    def _filer_name(self, row: LegacyRow) -> MappedRow:
        filer_id = self.identifier(row, "FILER_ID")
        data = self.data(row)
        filer_type = self.value(row, "FILER_TYPE")
        status = self.value(row, "STATUS")
        flags = data.setdefault("legacy_flags", [])
        if filer_type and filer_type not in ENTITY_TYPES:
            flags.append(f"FILER_TYPE: unknown filer type {filer_type!r}")
        if status and status not in ENTITY_STATUSES:
            flags.append(f"STATUS: unknown status {status!r}")
        if not flags:
            del data["legacy_flags"]
        effective = self.value(row, "EFFECT_DT")
        values = {
            "filer_id": filer_id,
            "xref_filer_id": self.value(row, "XREF_FILER_ID") or None,
            "name": " ".join(" ".join(self.value(row, part) for part in NAME_PARTS).split())[:200]
            or f"CAL-ACCESS filer {filer_id}",
            "entity_type": ENTITY_TYPES.get(filer_type, filer_type.lower().replace(" ", "_")[:40] or "unknown"),
            "status": ENTITY_STATUSES.get(status, status.lower()[:20] or "unknown"),
            "effective": effective if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", effective) else None,
            "data": data,
        }
        return MappedRow(f"{filer_id}|{row_hash(row.raw)}", Target.FILER_NAME, values)

    def _filer_xref(self, row: LegacyRow) -> MappedRow:
        filer_id, xref_id = self.identifier(row, "FILER_ID"), self.identifier(row, "XREF_ID")
        values = {"filer_id": filer_id, "xref_id": xref_id, "data": self.data(row)}
        return MappedRow(f"{filer_id}|{xref_id}", Target.FILER_XREF, values)

    def _filing(self, row: LegacyRow) -> MappedRow:
        filing_id = self.identifier(row, "FILING_ID")
        amendment = self.number(row, "FILING_SEQUENCE")
        values = {
            "filing_id": filing_id,
            "amendment": amendment,
            "entity_id": self.identifier(row, "FILER_ID"),
            "form": self.value(row, "FORM_ID")[:10] or "UNKNOWN",
            "period_start": iso_date(self.value(row, "RPT_START")),
            "period_end": iso_date(self.value(row, "RPT_END")),
            "filed_at": iso_date(self.value(row, "FILING_DATE")),
            "record": "filer_filing",
            "data": self.data(row),
        }
        return MappedRow(f"{filing_id}|{amendment}", Target.FILING, values)

    def _cover(self, row: LegacyRow) -> MappedRow:
        filing_id = self.identifier(row, "FILING_ID")
        amendment = self.number(row, "AMEND_ID")
        filer_id = self.value(row, "FILER_ID")
        values = {
            "filing_id": filing_id,
            "amendment": amendment,
            "entity_id": filer_id if filer_id and len(filer_id) <= 20 else UNKNOWN_FILER,
            "form": self.value(row, "FORM_TYPE")[:10] or "UNKNOWN",
            "period_start": iso_date(self.value(row, "FROM_DATE")),
            "period_end": iso_date(self.value(row, "THRU_DATE")),
            "filed_at": iso_date(self.value(row, "RPT_DATE")),
            "record": "cover",
            "data": self.data(row),
        }
        return MappedRow(f"{filing_id}|{amendment}", Target.COVER, values)

    def _line_place(self, row: LegacyRow) -> tuple[str, dict[str, Any], str | None]:
        """Where a line item goes: its key, its filing version, part and line number, and a flag on its part."""
        filing_id = self.identifier(row, "FILING_ID")
        amendment = self.number(row, "AMEND_ID")
        line = line_number(self.value(row, "LINE_ITEM"))
        if self.table in FIXED_PARTS:
            part, flag = self._part("")
        elif self.table in PREFIXED_PARTS:
            part, flag = self._part(self.value(row, PREFIXED_PARTS[self.table][1]))
        else:
            part, flag = self._part(self.value(row, "FORM_TYPE"))
        place = {"filing_id": filing_id, "amendment": amendment, "part": part, "line": line}
        return f"{filing_id}|{amendment}|{part}|{line}", place, flag

    def _line(self, row: LegacyRow) -> MappedRow:
        key, place, flag = self._line_place(row)
        data = self.data(row)
        if flag:
            data.setdefault("legacy_flags", []).append(flag)
        return MappedRow(key, Target.LINE, {**place, "data": data})

    def _lookup_code(self, row: LegacyRow) -> MappedRow:
        code_type, code_id = self.identifier(row, "CODE_TYPE"), self.identifier(row, "CODE_ID")
        values = {"code_type": code_type, "code_id": code_id, "description": self.value(row, "CODE_DESC")}
        return MappedRow(f"{code_type}|{code_id}", Target.LOOKUP_CODE, values)

    def _filing_period(self, row: LegacyRow) -> MappedRow:
        period_id = self.identifier(row, "PERIOD_ID")
        values = {
            "period_id": period_id,
            "start_date": self.value(row, "START_DATE") or None,
            "end_date": self.value(row, "END_DATE") or None,
            "period_type": self.value(row, "PERIOD_TYPE") or None,
            "group_type": self.value(row, "PER_GRP_TYPE") or None,
            "description": self.value(row, "PERIOD_DESC") or None,
            "deadline": self.value(row, "DEADLINE") or None,
            "flags": row.flags,
        }
        return MappedRow(period_id, Target.FILING_PERIOD, values)

    def _record(self, row: LegacyRow) -> MappedRow:
        key = row_hash(row.raw)
        return MappedRow(key, Target.RECORD, {"table_name": self.table, "record_key": key, "data": self.data(row)})


def number_of(column: str, text: str) -> int:
    """A column's text as a number (raises Unmappable)."""
    if text.isdigit() and len(text) <= 15:
        return int(text)
    if not re.fullmatch(r"-?\d{1,15}", text):
        raise Unmappable(f"{column} is not a number: {text!r}" if text else f"{column} is missing")
    return int(text)


def identifier_of(column: str, text: str) -> str:
    """A column's text as an identifier (raises Unmappable)."""
    if not text:
        raise Unmappable(f"{column} is missing")
    if len(text) > 20:
        raise Unmappable(f"{column} is too long: {text[:40]!r}")
    return text


def _mapped(texts: set[str], convert: Callable[[str], Any]) -> dict[str, Any]:
    """Each text converted, None where it cannot be (Unmappable)."""
    found = {}
    for text in texts:
        try:
            found[text] = convert(text)
        except Unmappable:
            found[text] = None
    return found


def target_of(table: str) -> Target:
    """Which kind of CARS record a table's rows become."""
    if table == FILERS:
        return Target.ENTITY
    if table == FILER_NAMES:
        return Target.FILER_NAME
    if table == FILER_XREFS:
        return Target.FILER_XREF
    if table == FILER_FILINGS:
        return Target.FILING
    if table in COVER_TABLES:
        return Target.COVER
    if table in FORM_PARTS or table in PREFIXED_PARTS or table in FIXED_PARTS:
        return Target.LINE
    if table == LOOKUP_CODES:
        return Target.LOOKUP_CODE
    if table == FILING_PERIODS:
        return Target.FILING_PERIOD
    return Target.RECORD


def load_order(tables: list[str]) -> list[str]:
    """Tables in the order they load: filers and filings first, then the rest by name."""
    first = [table for table in LOAD_ORDER if table in tables]
    return first + sorted(table for table in tables if table not in first)


@functools.lru_cache(maxsize=8192)
def iso_date(value: str) -> str | None:
    """The date part of a value the reader normalised, or None when it was blank or impossible (kept raw)."""
    return value[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", value) else None


LETTERED_LINES = 1_000_000_000
"""Summary lines named by letters (A, ABCD, 5A) are numbered from here, one number per name; data keeps the name."""
_LINE_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def line_number(text: str) -> int:
    """A line item's number: LINE_ITEM itself, or a number standing for a lettered line (raises Unmappable)."""
    if not text:
        raise Unmappable("LINE_ITEM is missing")
    if text.isdigit() and int(text) < LETTERED_LINES:
        return int(text)
    name = text.upper()
    if len(name) > 5 or any(character not in _LINE_DIGITS for character in name):
        raise Unmappable(f"LINE_ITEM is not a line number: {text!r}")
    number = 0
    for character in name:
        number = number * 37 + _LINE_DIGITS.index(character) + 1
    return LETTERED_LINES + number
