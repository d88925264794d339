"""Reading CAL-ACCESS's raw export: every trap found in the real sample, with rows taken from it."""

import re
import zipfile
from pathlib import Path

import pytest

from filings.legacy.reader import Header, LegacyRow, QuarantinedRow, RowParser, TableReader, open_export, opened

EXPORT = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "calaccess" / "export"


def rows_of(table: str) -> list[LegacyRow | QuarantinedRow]:
    with (EXPORT / f"{table}.TSV").open("rb") as stream:
        return list(TableReader(stream).rows())


def loaded(table: str) -> list[LegacyRow]:
    return [row for row in rows_of(table) if isinstance(row, LegacyRow)]


def quarantined(table: str) -> list[QuarantinedRow]:
    return [row for row in rows_of(table) if isinstance(row, QuarantinedRow)]


def value(table: str, row: LegacyRow, column: str) -> str:
    with (EXPORT / f"{table}.TSV").open("rb") as stream:
        columns = TableReader(stream).header.columns
    return row.values[columns.index(column)]


def test_tab_inside_a_description_is_put_back_when_only_one_column_fits():
    repaired = [row for row in loaded("S496_CD") if b"Cumulative" in row.raw]
    assert len(repaired) == 2
    assert all(row.repaired and len(row.values) == 12 for row in repaired)
    description = value("S496_CD", repaired[0], "EXPN_DSCR")
    assert description.endswith("Act\t(Cumulative: $31,125.00)") or description.endswith(
        "Act\t(Cumulative: $25,500.00)"
    )
    assert value("S496_CD", repaired[0], "AMOUNT") in ("5625", "25500")


@pytest.mark.parametrize(("table", "count"), [("LEXP_CD", 2), ("LPAY_CD", 1), ("S401_CD", 1)])
def test_shifted_rows_that_fit_several_ways_are_quarantined_with_their_bytes(table, count):
    found = quarantined(table)
    assert len(found) == count
    assert all("columns ambiguous" in row.reason and row.raw.endswith(b"\r\n") for row in found)


def test_crlf_and_stray_carriage_returns_leave_no_carriage_return_in_values():
    rows = loaded("SPLT_CD")
    stray = [row for row in rows if row.raw.endswith(b"\r\r\n")]
    assert len(stray) == 2
    assert all("stray carriage return" in row.flags[0] for row in stray)
    assert not any("\r" in text for row in rows for text in row.values)


def test_a_ctrl_z_field_is_emptied_and_flagged():
    rows = [row for row in loaded("S497_CD") if b"\x1a" in row.raw]
    assert len(rows) == 4
    assert all(value("S497_CD", row, "MEMO_REFNO") == "" for row in rows)
    assert all("MEMO_REFNO: end-of-file byte (0x1A) removed" in row.flags for row in rows)


def test_flattened_smart_quotes_and_dashes_are_restored():
    lemp = [row for row in loaded("LEMP_CD") if b"\x12" in row.raw]
    assert lemp and all("Governor\u2019s Office" in value("LEMP_CD", row, "AGENCYLIST") for row in lemp)
    committee = next(row for row in loaded("CVR_SO_CD") if b"\x16" in row.raw)
    assert "Fund \u2013 Yes on" in value("CVR_SO_CD", committee, "FILER_NAML")


def test_a_utf16_leftover_with_a_nul_becomes_an_apostrophe():
    memo = next(row for row in loaded("TEXT_MEMO_CD") if b"\x00" in row.raw)
    text = value("TEXT_MEMO_CD", memo, "TEXT4000")
    assert "Governor\u2019s Office" in text and "\x00" not in text
    assert "TEXT4000: UTF-16 leftover restored" in memo.flags


def test_inverted_question_marks_standing_for_lost_quotes_are_restored():
    row = next(row for row in loaded("CVR_LOBBY_DISCLOSURE_CD") if b"\xc2\xbf" in row.raw)
    assert "Governor\u2019s Office" in value("CVR_LOBBY_DISCLOSURE_CD", row, "LBY_ACTVTY")
    assert row.repaired


@pytest.mark.parametrize(
    ("raw", "text", "flag"),
    [
        (b"Caf\xe9 Org", "Caf\u00e9 Org", "NAML: decoded as Windows-1252"),
        (b"Caf\xc3\xa9 Org", "Caf\u00e9 Org", None),
        (b"Odd \x81 byte", "Odd \x81 byte", "NAML: decoded as Latin-1"),
    ],
)
def test_each_value_is_utf8_when_it_can_be_else_windows_1252_else_latin1_with_a_flag(tmp_path, raw, text, flag):
    (tmp_path / "NAMES_CD.TSV").write_bytes(b"NAMID\tNAML\r\n1\t" + raw + b"\r\n")
    with (tmp_path / "NAMES_CD.TSV").open("rb") as stream:
        (row,) = TableReader(stream).rows()
    assert row.values == ["1", text]
    assert row.flags == ([flag] if flag else [])


def test_a_blank_line_is_quarantined_not_skipped():
    (blank,) = quarantined("NAMES_CD")
    assert (blank.reason, blank.raw.strip()) == ("blank line", b"")


def test_impossible_dates_keep_their_raw_text_and_are_flagged():
    rows = loaded("CVR_REGISTRATION_CD")
    dates = {value("CVR_REGISTRATION_CD", row, "SIG_DATE") for row in rows}
    assert {"12/28/1006 12:00:00 AM", "11/18/5201 12:00:00 AM"} <= dates
    assert sum("SIG_DATE: impossible date" in row.flags for row in rows) == 2
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value("CVR_REGISTRATION_CD", row, "RPT_DATE")) for row in rows)


def test_the_1900_sentinel_is_not_turned_into_a_date():
    filing = next(row for row in loaded("FILER_FILINGS_CD") if b"1/1/1900" in row.raw)
    assert value("FILER_FILINGS_CD", filing, "RPT_START") == "1/1/1900 12:00:00 AM"


def test_mixed_case_codes_are_upper_cased_and_flagged():
    rows = loaded("CVR_CAMPAIGN_DISCLOSURE_CD")
    lower = [row for row in rows if any(f.startswith("STMT_TYPE: code") for f in row.flags)]
    assert len(lower) == 8
    assert {value("CVR_CAMPAIGN_DISCLOSURE_CD", row, "STMT_TYPE") for row in lower} <= {"SA", "PE", "QT", "SY", "TS"}


def test_unknown_form_ids_are_kept_and_flagged():
    rows = loaded("FILER_FILINGS_CD")
    unknown = [row for row in rows if "FORM_ID: unknown code 'F999'" in row.flags]
    assert len(unknown) == 4
    assert all(value("FILER_FILINGS_CD", row, "FORM_ID") == "F999" for row in unknown)


def test_a_zero_byte_table_has_no_header_and_no_rows():
    with (EXPORT / "CVR_F470_CD.TSV").open("rb") as stream:
        reader = TableReader(stream)
        assert reader.header is None and list(reader.rows()) == []


def test_a_zip_streams_the_same_rows_as_the_folder(tmp_path):
    archive = tmp_path / "dbwebexport.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as export:
        for path in sorted(EXPORT.iterdir()):
            export.write(path, f"CalAccess/DATA/{path.name}")
    zipped, folder = open_export(archive), open_export(EXPORT)
    assert [source.name for source in zipped] == [source.name for source in folder]
    for from_zip, from_folder in zip(zipped, folder, strict=True):
        with opened(from_zip) as one, opened(from_folder) as other:
            assert [r.raw for r in TableReader(one).rows()] == [r.raw for r in TableReader(other).rows()]


@pytest.mark.parametrize("table", sorted(path.stem for path in EXPORT.glob("*.TSV") if path.stat().st_size))
def test_a_block_of_lines_parses_as_each_of_its_lines_does(table):
    with (EXPORT / f"{table}.TSV").open("rb") as stream:
        reader = TableReader(stream)
        one_by_one = list(reader.rows())
    header, block = (EXPORT / f"{table}.TSV").read_bytes().split(b"\n", 1)
    parsed = RowParser(Header.parse(header + b"\n")).parse_block(2, block)
    assert parsed.rows_read == len(one_by_one)
    assert [parsed.row(index) for index in range(len(parsed.lines))] == [
        row for row in one_by_one if isinstance(row, LegacyRow)
    ]
    assert parsed.quarantined == [(row.line, row.reason) for row in one_by_one if isinstance(row, QuarantinedRow)]


@pytest.mark.parametrize(
    "block",
    [b"1\tA\n2\tB", b"1\tA\r\r\n\r\n2\tB\n", b"1\tA\r\n2\t\xe9\r\n3", b"1\tA\t\r\n2\tB\r", b" \x1a\r\n1\tA\rB\r\n"],
    ids=["lf-open-end", "stray-cr-blank", "crlf-latin1-open", "extra-field", "ctrl-z-inner-cr"],
)
def test_line_ends_and_damaged_bytes_read_alike_in_a_block_and_one_by_one(block):
    header = Header.parse(b"NAMID\tNAML\r\n")
    parsed = RowParser(header).parse_block(2, block)
    lines = [line + b"\n" for line in block.split(b"\n")]
    lines[-1] = lines[-1][:-1]
    one_by_one = [RowParser(header).parse(number, raw) for number, raw in enumerate(filter(None, lines), 2)]
    assert [parsed.row(index) for index in range(len(parsed.lines))] == [
        row for row in one_by_one if isinstance(row, LegacyRow)
    ]
    assert parsed.quarantined == [(row.line, row.reason) for row in one_by_one if isinstance(row, QuarantinedRow)]
