"""Where CAL-ACCESS rows go in CARS: parts named for schedules, line numbers, readable names, keys."""

import pytest

from filings.legacy.batches import prepare_batch
from filings.legacy.copytext import to_json
from filings.legacy.mapping import LETTERED_LINES, TableMapping, Target, Unmappable, line_number, load_order, part_name
from filings.legacy.reader import Header, LegacyRow, RowParser

RCPT_COLUMNS = ["FILING_ID", "AMEND_ID", "LINE_ITEM", "REC_TYPE", "FORM_TYPE", "TRAN_ID", "CTRIB_NAML", "CTRIB_NAMF"]
RCPT_COLUMNS += ["RCPT_DATE", "AMOUNT", "CUM_YTD"]


def receipt(**values):
    row = {"FILING_ID": "591352", "AMEND_ID": "1", "LINE_ITEM": "22", "REC_TYPE": "RCPT", "FORM_TYPE": "A"}
    row |= {"TRAN_ID": "RCPT_A_22", "CTRIB_NAML": "Dunn", "CTRIB_NAMF": "Philip R.", "RCPT_DATE": "2000-02-03"}
    row |= {"AMOUNT": "250", "CUM_YTD": "250"} | values
    return LegacyRow(2, b"raw", [row[column] for column in RCPT_COLUMNS])


@pytest.mark.parametrize(
    ("form_type", "part"),
    [("A", "schedule_a"), ("B1", "schedule_b1"), ("F497P1", "f497p1"), ("F498-A", "f498_a"), ("A-1", "schedule_a_1")],
)
def test_parts_are_named_for_their_schedule_or_form_part(form_type, part):
    assert part_name(form_type) == part


def test_a_receipt_becomes_a_line_of_its_filing_version_with_readable_names():
    row = TableMapping("RCPT_CD", RCPT_COLUMNS).map(receipt())
    assert (row.target, row.key) == (Target.LINE, "591352|1|schedule_a|22")
    assert row.values["data"] == {
        "FILING_ID": "591352",
        "AMEND_ID": "1",
        "LINE_ITEM": "22",
        "record_type": "RCPT",
        "form_type": "A",
        "transaction_id": "RCPT_A_22",
        "CTRIB_NAML": "Dunn",
        "CTRIB_NAMF": "Philip R.",
        "date": "2000-02-03",
        "amount": "250",
        "cumulative_to_date": "250",
        "contributor_name": "Philip R. Dunn",
    }


def test_an_unknown_form_part_is_kept_apart_and_flagged():
    row = TableMapping("RCPT_CD", RCPT_COLUMNS).map(receipt(FORM_TYPE="Z9"))
    assert row.values["part"] == "rcpt_z9"
    assert row.values["data"]["legacy_flags"] == ["FORM_TYPE: unknown form part 'Z9'"]


def test_a_row_without_its_filing_id_cannot_be_placed():
    with pytest.raises(Unmappable, match="FILING_ID is missing"):
        TableMapping("RCPT_CD", RCPT_COLUMNS).map(receipt(FILING_ID=""))


def test_lettered_summary_lines_get_distinct_numbers_above_the_numbered_ones():
    assert line_number("12") == 12
    lettered = {line_number(name) for name in ("A", "B", "ABCD", "5A")}
    assert len(lettered) == 4 and min(lettered) > LETTERED_LINES
    with pytest.raises(Unmappable):
        line_number("1.5")


def test_filers_load_before_names_filings_and_transactions():
    order = load_order(["RCPT_CD", "FILER_FILINGS_CD", "FILERNAME_CD", "CVR_CAMPAIGN_DISCLOSURE_CD", "FILERS_CD"])
    assert order == ["FILERS_CD", "FILERNAME_CD", "CVR_CAMPAIGN_DISCLOSURE_CD", "FILER_FILINGS_CD", "RCPT_CD"]


def test_line_items_prepared_together_are_written_as_each_would_be_alone():
    header = "\t".join(RCPT_COLUMNS).encode() + b"\r\n"
    rows = [
        receipt(RCPT_DATE="2/3/2000 12:00:00 AM"),
        receipt(LINE_ITEM="23", CTRIB_NAMF=" Ann  Lee ", RCPT_DATE="2/3/2000"),
        receipt(FORM_TYPE="Z9", LINE_ITEM="A", CTRIB_NAML=""),
        receipt(LINE_ITEM="24", CTRIB_NAML='Say "hi" \\ bye'),
        receipt(LINE_ITEM="25", RCPT_DATE="13/45/2000"),
    ]
    raws = ["\t".join(row.values).encode() + b"\r\n" for row in rows]
    batch = prepare_batch("RCPT_CD", header, 2, b"".join(raws), run_id="run")
    parser, mapping = RowParser(Header.parse(header)), TableMapping("RCPT_CD", RCPT_COLUMNS)
    alone = [mapping.line_copy(parser.parse(line, raw)) for line, raw in enumerate(raws, 2)]
    assert sorted(batch.copy_lines) == sorted(alone)
    assert batch.keys == sorted("|".join(line.split("\t", 4)[:4]) for line in alone)


def test_data_written_straight_from_plain_values_is_the_encoded_data():
    mapping = TableMapping("RCPT_CD", RCPT_COLUMNS)
    plain = [receipt(), receipt(CTRIB_NAMF="", AMOUNT=""), LegacyRow(2, b"\t", [""] * len(RCPT_COLUMNS), ["a flag"])]
    for row in plain:
        assert mapping.data_json(row) == to_json(mapping.data(row))
    quoted = receipt(CTRIB_NAML='Say "hi"')
    quoted.raw = "\t".join(quoted.values).encode()
    assert mapping.data_json(quoted) is None
