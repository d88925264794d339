"""What kind of value a CAL-ACCESS column holds, told by its name (the raw export has no types)."""

from __future__ import annotations

import re
from enum import StrEnum


class ColumnKind(StrEnum):
    INTEGER = "integer"
    DATE = "date"
    AMOUNT = "amount"
    CODE = "code"
    TEXT = "text"
    """Free text written by filers: the only kind a stray tab can hide in."""
    OTHER = "other"


INTEGER_COLUMNS = frozenset({"FILING_ID", "AMEND_ID", "LINE_ITEM", "FILING_SEQUENCE", "PERIOD_ID", "SESSION_ID"})
AMOUNT_COLUMNS = frozenset({"CUM_YTD", "CUM_OTH", "CUM_TOTAL", "PER_TOTAL", "BEG_BAL", "END_BAL"})
CODE_COLUMNS = frozenset(
    {
        "REC_TYPE",
        "FORM_TYPE",
        "FORM_ID",
        "STMT_TYPE",
        "ENTITY_CD",
        "TRAN_TYPE",
        "MEMO_CODE",
        "SUP_OPP_CD",
        "OFF_S_H_CD",
        "OFFICE_CD",
        "JURIS_CD",
        "FILER_TYPE",
        "STATUS",
        "PFORM_TYPE",
        "CMTTE_TYPE",
        "ELEC_CODE",
    }
)
TEXT_MARKERS = ("NAML", "NAMF", "NAME", "DSCR", "DESC", "TEXT", "TITLE", "ACTVTY", "ACTIVITY", "LIST", "EXPL")
_AMOUNT = re.compile(r"AMOUNT|AMT")


def column_kind(name: str) -> ColumnKind:
    """The kind of a column, from CAL-ACCESS's naming habits (`*_DATE`, `*_DT`, `AMOUNT`, `*_AMT`...)."""
    if name in INTEGER_COLUMNS:
        return ColumnKind.INTEGER
    if "DATE" in name or name.endswith("DT") or name in ("RPT_START", "RPT_END", "DEADLINE"):
        return ColumnKind.DATE
    if name in AMOUNT_COLUMNS or (_AMOUNT.search(name) and not name.endswith("NAMT")):
        return ColumnKind.AMOUNT
    if name in CODE_COLUMNS:
        return ColumnKind.CODE
    if any(marker in name for marker in TEXT_MARKERS):
        return ColumnKind.TEXT
    return ColumnKind.OTHER


_INTEGER = re.compile(rb"-?\d+")
_DECIMAL = re.compile(rb"-?\d*\.?\d+")
_DATE = re.compile(rb"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}:\d{2} [AP]M)?")


def fits(kind: ColumnKind, raw: bytes) -> bool:
    """Whether raw bytes can be a value of this kind (blank fits every kind): used to realign shifted columns."""
    value = raw.strip()
    if not value:
        return True
    if kind is ColumnKind.INTEGER:
        return _INTEGER.fullmatch(value) is not None
    if kind is ColumnKind.AMOUNT:
        return _DECIMAL.fullmatch(value) is not None
    if kind is ColumnKind.DATE:
        return _DATE.fullmatch(value) is not None
    if kind is ColumnKind.CODE:
        return b"\t" not in value and len(value) <= 40
    return True
