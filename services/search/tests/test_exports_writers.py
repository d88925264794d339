import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from search.domain.documents import SearchDocument
from search.exports.writers import CSV_HEADERS, EXPORT_FORMATS, csv_header, csv_rows, jsonl_rows, neutralised


def transaction(number=1, **changes):
    values = {
        "id": f"transaction:filing-1:A:{number}",
        "kind": "transaction",
        "title": "Jane Doe",
        "description": "Contribution of $500.00 from Jane Doe, teacher, to Friends of Example",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "dated_at": datetime(2026, 3, 14, tzinfo=UTC),
        "filing_id": "filing-1",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        "amendment": 0,
        "schedule": "A",
        "schedule_name": "Monetary Contributions Received",
        "line": number,
        "name": "Jane Doe",
        "employer": "Unified School District",
        "occupation": "Teacher",
        "city": "Sacramento",
        "state": "CA",
        "zip_code": "95814",
        "amount": Decimal("500"),
        "transaction_date": date(2026, 3, 14),
    }
    values.update(changes)
    return SearchDocument(**values)


def parsed(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_headers_are_plain_words_in_a_fixed_order():
    assert CSV_HEADERS[:6] == ("Record type", "Record ID", "Date", "Description", "Filer ID", "Filer name")
    assert "Amount (USD)" in CSV_HEADERS and "ZIP code" in CSV_HEADERS
    assert len(set(CSV_HEADERS)) == len(CSV_HEADERS)
    assert next(csv.reader(io.StringIO(csv_header()))) == list(CSV_HEADERS)


def test_csv_row_says_the_transaction_in_plain_columns_with_amounts_as_decimals():
    [row] = parsed(csv_header() + csv_rows([transaction(amount=Decimal("1234.5"))]))
    assert row["Record type"] == "Transaction"
    assert (row["Name"], row["Employer"], row["City"], row["ZIP code"]) == (
        "Jane Doe",
        "Unified School District",
        "Sacramento",
        "95814",
    )
    assert (row["Amount (USD)"], row["Transaction date"], row["Date"]) == ("1234.50", "2026-03-14", "2026-03-14")
    assert (row["Current version"], row["Amendment number"], row["Filed on"]) == ("yes", "0", "2026-07-31")


def test_csv_cells_that_look_like_formulas_are_neutralised():
    hostile = transaction(name='=HYPERLINK("http://evil")', employer="+1+1", occupation="@SUM(A1)", city="-2")
    [row] = parsed(csv_header() + csv_rows([hostile]))
    assert row["Name"] == '\'=HYPERLINK("http://evil")'
    assert (row["Employer"], row["Occupation"], row["City"]) == ("'+1+1", "'@SUM(A1)", "'-2")


def test_negative_amounts_stay_numbers():
    [row] = parsed(csv_header() + csv_rows([transaction(amount=Decimal("-12.5"))]))
    assert row["Amount (USD)"] == "-12.50"


def test_neutralising_leaves_ordinary_text_alone():
    assert neutralised("Friends of Example") == "Friends of Example"
    assert neutralised("\tTabbed") == "'\tTabbed"


def test_filing_and_filer_rows_leave_transaction_columns_empty_and_list_totals():
    filing = SearchDocument(
        id="filing:filing-1",
        kind="filing",
        title="Friends of Example: Recipient Committee Campaign Statement",
        description="Recipient Committee Campaign Statement filed by Friends of Example",
        entity_id="1400001",
        entity_name="Friends of Example",
        dated_at=datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        form="F460",
        totals={"contributions_received": Decimal("1500")},
    )
    [row] = parsed(csv_header() + csv_rows([filing]))
    assert (row["Record type"], row["Amount (USD)"], row["Name"]) == ("Filing", "", "")
    assert row["Reported totals (USD)"] == "contributions: 1500.00"


def test_jsonl_is_one_record_a_line_with_amounts_as_decimal_text():
    lines = jsonl_rows([transaction(1), transaction(2, amount=Decimal("99.99"))]).splitlines()
    records = [json.loads(line) for line in lines]
    assert [record["line"] for record in records] == [1, 2]
    assert records[1]["amount"] == "99.99"
    assert SearchDocument.from_record(records[0]) == transaction(1)


def test_chunks_stream_the_header_then_rows_in_pieces():
    documents = [transaction(number) for number in range(1, 6)]
    chunks = list(EXPORT_FORMATS["csv"].chunks(iter(documents), rows_per_chunk=2))
    assert len(chunks) == 4
    assert [row["Line"] for row in parsed("".join(chunks))] == ["1", "2", "3", "4", "5"]
    assert list(EXPORT_FORMATS["jsonl"].chunks(iter([]))) == [""]
