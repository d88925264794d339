"""Loading a CAL-ACCESS export: reconciliation, mapping, reruns, resuming, incremental loads and events."""

import json
import shutil
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from filings.legacy import cli, loader
from filings.legacy.loader import LegacyLoader

EXPORT = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "calaccess" / "export"
QUARANTINED_IN_SAMPLE = {"LEXP_CD": 2, "LPAY_CD": 1, "S401_CD": 1, "NAMES_CD": 1}
"""Rows of the fixture that cannot be loaded: columns shifted ambiguously by tabs, and a blank line."""


@pytest.fixture
def database(migrated_sqlite):
    return migrated_sqlite("filings")


@pytest.fixture(params=["sqlite", "postgres"])
def either_database(request):
    """A filings database on each backend: PostgreSQL takes the COPY and array-parameter paths."""
    if request.param == "sqlite":
        return request.getfixturevalue("migrated_sqlite")("filings")
    return request.getfixturevalue("migrated_database")("filings")


def header(table: str) -> list[str]:
    return (EXPORT / f"{table}.TSV").read_bytes().split(b"\r\n", 1)[0].decode().split("\t")


def write_export(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    """A small export with the real columns of each table (blank where a row does not say), CRLF line ends."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        columns = header(table)
        lines = ["\t".join(columns)] + ["\t".join(row.get(column, "") for column in columns) for row in rows]
        (folder / f"{table}.TSV").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return folder


def committee_export(folder: Path, amount: str = "250", extra_receipt: bool = False) -> Path:
    """One committee, one Form 460 filed and amended twice, with receipts on each version."""
    receipts = [
        {"FILING_ID": "900001", "AMEND_ID": str(amendment), "LINE_ITEM": str(line), "REC_TYPE": "RCPT",
         "FORM_TYPE": "A", "TRAN_ID": f"T{amendment}{line}", "CTRIB_NAML": "Dunn", "CTRIB_NAMF": "Philip",
         "RCPT_DATE": "2/3/2016 12:00:00 AM", "AMOUNT": amount if (amendment, line) == (2, 1) else "100"}
        for amendment in range(3) for line in (1, 2)
    ]  # fmt: skip
    if extra_receipt:
        receipts.append({**receipts[-1], "LINE_ITEM": "3", "TRAN_ID": "T23"})
    filings = [
        {"FILER_ID": "1300001", "FILING_ID": "900001", "PERIOD_ID": "121", "FORM_ID": "F460",
         "FILING_SEQUENCE": str(amendment), "FILING_DATE": f"7/{29 + amendment}/2016 12:00:00 AM",
         "RPT_START": "1/1/2016 12:00:00 AM", "RPT_END": "6/30/2016 12:00:00 AM"}
        for amendment in range(3)
    ]  # fmt: skip
    covers = [
        {"FILING_ID": "900001", "AMEND_ID": str(amendment), "REC_TYPE": "CVR", "FORM_TYPE": "F460",
         "FILER_ID": "1300001", "FILER_NAML": "Friends of Example", "RPT_DATE": "7/29/2016 12:00:00 AM",
         "STMT_TYPE": "sa", "FROM_DATE": "1/1/2016 12:00:00 AM", "THRU_DATE": "6/30/2016 12:00:00 AM"}
        for amendment in range(3)
    ]  # fmt: skip
    return write_export(
        folder,
        {
            "FILERS_CD": [{"FILER_ID": "1300001"}],
            "FILERNAME_CD": [
                {
                    "XREF_FILER_ID": "C28023",
                    "FILER_ID": "1300001",
                    "FILER_TYPE": "RECIPIENT COMMITTEE",
                    "STATUS": "ACTIVE",
                    "EFFECT_DT": "01/05/2015",
                    "NAML": "Friends of Example",
                },
                {
                    "XREF_FILER_ID": "C28023",
                    "FILER_ID": "1300001",
                    "FILER_TYPE": "RECIPIENT COMMITTEE",
                    "STATUS": "TERMINATED",
                    "EFFECT_DT": "12/31/2016",
                    "NAML": "Friends of Example 2016",
                },
            ],  # fmt: skip
            "FILER_XREF_CD": [{"FILER_ID": "1300001", "XREF_ID": "001040", "EFFECT_DT": "12/7/1999 6:20:48 AM"}],
            "FILER_FILINGS_CD": filings,
            "CVR_CAMPAIGN_DISCLOSURE_CD": covers,
            "RCPT_CD": receipts,
        },
    )


def count(database, table: str, where: str = "") -> int:
    with database.engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table} {where}")).scalar_one()  # noqa: S608


def outbox_events(database) -> list[dict]:
    with database.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT event_type, envelope FROM outbox ORDER BY id")).all()
    return [(kind, json.loads(envelope) if isinstance(envelope, str) else envelope) for kind, envelope in rows]


def test_the_sample_loads_with_an_exact_reconciliation_per_table(either_database):
    database = either_database
    result = LegacyLoader(database, batch_rows=50).load(EXPORT)
    for name, counts in result.tables.items():
        assert counts.rows_read == counts.loaded + counts.quarantined, name
        assert counts.quarantined == QUARANTINED_IN_SAMPLE.get(name, 0), name
    assert result.tables["CVR_F470_CD"].empty_file
    assert result.tables["S496_CD"].repaired == 3
    assert result.tables["LPAY_CD"].quarantine_reasons == {"tab inside a value: columns ambiguous": 1}
    assert count(database, "legacy_quarantined_rows") == sum(QUARANTINED_IN_SAMPLE.values())
    assert result.tables["SMRY_CD"].quarantined == 0
    names = result.tables["FILERNAME_CD"]
    assert (names.loaded, names.changed, names.unchanged) == (37, 34, 3), "3 lines repeat earlier ones byte for byte"


def test_the_samples_filings_with_several_amendments_keep_every_version_of_their_lines(database):
    LegacyLoader(database).load(EXPORT)
    with database.engine.connect() as connection:
        versions = connection.execute(
            sa.text(
                "SELECT filing_id, count(DISTINCT amendment), max(amendment) FROM filing_lines "
                "WHERE part = 'schedule_a' GROUP BY filing_id HAVING count(DISTINCT amendment) > 1"
            )
        ).all()
    source = [line.split(b"\t") for line in (EXPORT / "RCPT_CD.TSV").read_bytes().splitlines()[1:]]
    amended = {fields[0].decode() for fields in source if any(f[0] == fields[0] and f[1] != fields[1] for f in source)}
    assert {filing_id for filing_id, _, _ in versions} == amended and len(amended) >= 5
    for filing_id, _, highest in versions:
        assert highest == max(int(fields[1]) for fields in source if fields[0].decode() == filing_id)


def test_quarantined_rows_keep_table_line_raw_bytes_and_reason(database):
    LegacyLoader(database).load(EXPORT)
    with database.engine.connect() as connection:
        (line, raw, reason) = connection.execute(
            sa.text("SELECT line, raw, reason FROM legacy_quarantined_rows WHERE table_name = 'LPAY_CD'")
        ).one()
    source_lines = (EXPORT / "LPAY_CD.TSV").read_bytes().split(b"\n")
    assert bytes(raw) == source_lines[line - 1] + b"\n"
    assert reason == "tab inside a value: columns ambiguous (29 fields, 26 columns)"


def test_filers_become_legacy_entities_named_by_their_latest_name(database, tmp_path):
    LegacyLoader(database).load(committee_export(tmp_path / "export"))
    with database.engine.connect() as connection:
        entity = connection.execute(
            sa.text("SELECT name, entity_type, status, legacy, registered_on FROM entities WHERE entity_id = '1300001'")
        ).one()
        xref = connection.execute(sa.text("SELECT xref_id FROM legacy_filer_xrefs")).scalar_one()
    assert tuple(entity) == ("Friends of Example 2016", "recipient_committee", "terminated", 1, "2015-01-05")
    assert xref == "001040"


def test_every_amendment_is_kept_and_the_current_version_is_the_highest(database, tmp_path):
    LegacyLoader(database).load(committee_export(tmp_path / "export"))
    with database.engine.connect() as connection:
        versions = connection.execute(
            sa.text("SELECT amendment, form, source, period_start, records FROM filings ORDER BY amendment")
        ).all()
        current = connection.execute(sa.text("SELECT max(amendment) FROM filings WHERE filing_id = '900001'"))
        lines = connection.execute(
            sa.text("SELECT amendment, part, line, data FROM filing_lines ORDER BY amendment, line")
        ).all()
    assert [v.amendment for v in versions] == [0, 1, 2] and current.scalar_one() == 2
    with database.engine.connect() as connection:
        counts = connection.execute(sa.text("SELECT line_counts FROM filings ORDER BY amendment")).scalars()
        assert [json.loads(value) for value in counts] == [{"schedule_a": 2}] * 3
    assert {(v.form, v.source, v.period_start) for v in versions} == {("F460", "legacy", "2016-01-01")}
    records = json.loads(versions[2].records)
    assert set(records) == {"cover", "filer_filing"}
    assert records["cover"]["STMT_TYPE"] == "SA" and records["cover"]["legacy_flags"] == [
        "STMT_TYPE: code 'sa' normalised"
    ]
    assert [(line.amendment, line.part, line.line) for line in lines][-2:] == [
        (2, "schedule_a", 1),
        (2, "schedule_a", 2),
    ]
    data = json.loads(lines[-2].data)
    assert (data["amount"], data["date"], data["contributor_name"], data["transaction_id"]) == (
        "250",
        "2016-02-03",
        "Philip Dunn",
        "T21",
    )


def test_a_rerun_changes_nothing_and_publishes_nothing(database, tmp_path):
    export = committee_export(tmp_path / "export")
    LegacyLoader(database).load(export)
    events, lines = len(outbox_events(database)), count(database, "filing_lines")
    again = LegacyLoader(database).load(export)
    assert sum(counts.changed for counts in again.tables.values()) == 0
    assert sum(counts.unchanged for counts in again.tables.values()) == 16
    assert (len(outbox_events(database)), count(database, "filing_lines")) == (events, lines)


def test_a_newer_export_applies_only_what_changed(either_database, tmp_path):
    database = either_database
    LegacyLoader(database).load(committee_export(tmp_path / "day1"))
    before = len(outbox_events(database))
    newer = LegacyLoader(database).load(committee_export(tmp_path / "day2", amount="275", extra_receipt=True))
    assert newer.tables["RCPT_CD"].changed == 2 and newer.tables["RCPT_CD"].unchanged == 5
    assert sum(counts.changed for counts in newer.tables.values()) == 2
    with database.engine.connect() as connection:
        amounts = connection.execute(
            sa.text("SELECT line, data FROM filing_lines WHERE amendment = 2 ORDER BY line")
        ).all()
    decoded = [(line, json.loads(data) if isinstance(data, str) else data) for line, data in amounts]
    assert [(line, data["amount"]) for line, data in decoded] == [(1, "275"), (2, "100"), (3, "100")]
    ((kind, event),) = outbox_events(database)[before:]
    assert kind == "legacy_batch_imported"
    assert event["payload"]["filing_ids"] == [{"filing_id": "900001", "amendment": 2}]


def test_a_key_repeated_in_a_later_batch_is_quarantined_unless_its_line_repeats_byte_for_byte(
    either_database, tmp_path
):
    database = either_database
    export = duplicate_key_export(tmp_path / "export")
    result = LegacyLoader(database, batch_rows=3).load(export)
    receipts = result.tables["RCPT_CD"]
    assert (receipts.rows_read, receipts.loaded, receipts.quarantined) == (7, 6, 1)
    assert (receipts.changed, receipts.unchanged) == (5, 1)
    assert receipts.quarantine_reasons == {"duplicate key with different content": 1}
    with database.engine.connect() as connection:
        reason, data = connection.execute(
            sa.text(
                "SELECT q.reason, l.data FROM legacy_quarantined_rows AS q, filing_lines AS l "
                "WHERE q.table_name = 'RCPT_CD' AND l.filing_id = '900001' AND l.amendment = 2 AND l.line = 1"
            )
        ).one()
    assert reason == "duplicate key with different content (an earlier line)"
    assert (json.loads(data) if isinstance(data, str) else data)["amount"] == "250"


def duplicate_key_export(folder: Path) -> Path:
    """Receipt 900001/2/1 on the first line (250), again on the sixth with other content (999) and on the
    seventh as the first byte for byte."""
    export = committee_export(folder)
    receipt = {
        "FILING_ID": "900001",
        "AMEND_ID": "2",
        "LINE_ITEM": "1",
        "REC_TYPE": "RCPT",
        "FORM_TYPE": "A",
        "TRAN_ID": "T21",
        "CTRIB_NAML": "Dunn",
        "CTRIB_NAMF": "Philip",
        "RCPT_DATE": "2/3/2016 12:00:00 AM",
    }
    others = [{**receipt, "LINE_ITEM": str(line), "TRAN_ID": f"T2{line}", "AMOUNT": "100"} for line in range(2, 6)]
    rows = [{**receipt, "AMOUNT": "250"}, *others, {**receipt, "AMOUNT": "999"}, {**receipt, "AMOUNT": "250"}]
    return write_export(export, {"RCPT_CD": rows})


def first_receipt(database) -> tuple[str, int]:
    """The amount line 900001/2/1 holds and how many lines are quarantined as duplicates."""
    with database.engine.connect() as connection:
        data = connection.execute(
            sa.text("SELECT data FROM filing_lines WHERE filing_id = '900001' AND amendment = 2 AND line = 1")
        ).scalar_one()
    duplicates = count(database, "legacy_quarantined_rows", "WHERE reason LIKE 'duplicate key%'")
    return (json.loads(data) if isinstance(data, str) else data)["amount"], duplicates


@pytest.mark.parametrize(
    ("batch_rows", "jobs"), [(3, 1), (3, 2), (1_000, 1)], ids=["across-batches", "across-batches-workers", "one-batch"]
)
def test_a_rerun_keeps_the_first_line_of_a_repeated_key_and_changes_nothing(
    either_database, tmp_path, monkeypatch, batch_rows, jobs
):
    monkeypatch.setattr(loader, "PARALLEL_BYTES", 0)
    database = either_database
    export = duplicate_key_export(tmp_path / "export")
    first = LegacyLoader(database, batch_rows=batch_rows, jobs=jobs).load(export).tables["RCPT_CD"]
    assert (first.loaded, first.changed, first.unchanged, first.quarantined) == (6, 5, 1, 1)
    assert first_receipt(database) == ("250", 1)
    events = len(outbox_events(database))
    for run in (2, 3):
        again = LegacyLoader(database, batch_rows=batch_rows, jobs=jobs).load(export)
        receipts = again.tables["RCPT_CD"]
        assert sum(counts.changed for counts in again.tables.values()) == 0
        assert (receipts.loaded, receipts.unchanged, receipts.quarantined) == (6, 6, 1)
        assert receipts.quarantine_reasons == {"duplicate key with different content": 1}
        assert first_receipt(database) == ("250", run)
    assert len(outbox_events(database)) == events


def test_a_resumed_rerun_keeps_the_first_line_of_a_key_repeated_after_the_interruption(either_database, tmp_path):
    class Interrupted(Exception):
        pass

    database = either_database
    export = duplicate_key_export(tmp_path / "export")
    LegacyLoader(database, batch_rows=3).load(export)

    def interrupt(table, counts, bytes_read, size):
        if table == "RCPT_CD" and counts.rows_read == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        LegacyLoader(database, batch_rows=3, on_batch=interrupt).load(export)
    resumed = LegacyLoader(database, batch_rows=3).load(export)
    assert resumed.resumed
    receipts = resumed.tables["RCPT_CD"]
    assert (receipts.changed, receipts.unchanged, receipts.quarantined) == (0, 6, 1)
    assert first_receipt(database) == ("250", 2)


def withdrawn_keys(database) -> list[tuple[str, str, str]]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT run_id, table_name, record_key FROM legacy_withdrawn_keys ORDER BY 1, 2, 3")
        ).all()
    return [tuple(row) for row in rows]


def test_keys_a_newer_full_export_no_longer_holds_are_reported_withdrawn_and_kept(either_database, tmp_path):
    database = either_database
    first = LegacyLoader(database, batch_rows=3).load(committee_export(tmp_path / "day1", extra_receipt=True))
    assert sum(counts.withdrawn for counts in first.tables.values()) == 0
    lines = count(database, "filing_lines")
    newer = LegacyLoader(database, batch_rows=3).load(committee_export(tmp_path / "day2"))
    assert newer.tables["RCPT_CD"].withdrawn == 1
    assert newer.report("day2")["totals"]["withdrawn"] == 1
    assert sum(counts.changed for counts in newer.tables.values()) == 0
    ((run_id, table, key),) = withdrawn_keys(database)
    assert (run_id, table) == (newer.run_id, "RCPT_CD") and key.startswith("900001|2|") and key.endswith("|3")
    assert count(database, "filing_lines") == lines, "a withdrawn key's line item stays on file"
    again = LegacyLoader(database, batch_rows=3).load(committee_export(tmp_path / "day2"))
    assert again.tables["RCPT_CD"].withdrawn == 1, "still absent from the export"
    back = LegacyLoader(database, batch_rows=3).load(committee_export(tmp_path / "day1", extra_receipt=True))
    assert sum(counts.withdrawn for counts in back.tables.values()) == 0
    assert sum(counts.changed for counts in back.tables.values()) == 0


def test_withdrawn_keys_are_counted_only_once_the_table_is_read_to_its_end(either_database, tmp_path):
    class Interrupted(Exception):
        pass

    database = either_database
    LegacyLoader(database, batch_rows=3).load(committee_export(tmp_path / "day1", extra_receipt=True))
    newer = committee_export(tmp_path / "day2")

    def interrupt(table, counts, bytes_read, size):
        if table == "RCPT_CD" and counts.rows_read == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        LegacyLoader(database, batch_rows=3, on_batch=interrupt).load(newer)
    assert withdrawn_keys(database) == []
    resumed = LegacyLoader(database, batch_rows=3).load(newer)
    assert resumed.resumed and resumed.tables["RCPT_CD"].withdrawn == 1
    assert [table for _, table, _ in withdrawn_keys(database)] == ["RCPT_CD"]


def test_batches_prepared_by_worker_processes_load_as_those_prepared_inline(migrated_database, monkeypatch):
    monkeypatch.setattr(loader, "PARALLEL_BYTES", 0)
    inline, side_by_side = migrated_database("filings"), migrated_database("filings")
    expected = LegacyLoader(inline, batch_rows=40).load(EXPORT).report("export")
    result = LegacyLoader(side_by_side, batch_rows=40, jobs=2).load(EXPORT).report("export")
    assert {name: counts for name, counts in result["tables"].items()} == expected["tables"]
    query = "SELECT filing_id, amendment, part, line, data::text FROM filing_lines ORDER BY 1, 2, 3, 4"
    with inline.engine.connect() as one, side_by_side.engine.connect() as other:
        assert one.execute(sa.text(query)).all() == other.execute(sa.text(query)).all()
    assert len(outbox_events(side_by_side)) == len(outbox_events(inline))


def test_an_interrupted_run_resumes_after_its_last_batch(database, tmp_path):
    class Interrupted(Exception):
        pass

    batches = []

    def interrupt(table, counts, bytes_read, size):
        batches.append(table)
        if len(batches) == 12:
            raise Interrupted

    with pytest.raises(Interrupted):
        LegacyLoader(database, batch_rows=7, on_batch=interrupt).load(EXPORT)
    resumed = LegacyLoader(database, batch_rows=7).load(EXPORT)
    assert resumed.resumed
    clean = LegacyLoader(database, batch_rows=7).load(EXPORT)
    assert not clean.resumed
    for name, counts in resumed.tables.items():
        assert counts.rows_read == clean.tables[name].rows_read == counts.loaded + counts.quarantined, name
        assert counts.loaded == clean.tables[name].unchanged, name
    assert sum(counts.changed for counts in clean.tables.values()) == 0
    assert count(database, "legacy_quarantined_rows") == 2 * sum(QUARANTINED_IN_SAMPLE.values())


def test_orphans_are_kept_and_reported_but_events_name_only_filings_on_file(either_database):
    database = either_database
    result = LegacyLoader(database).load(EXPORT)
    orphan_lines = count(
        database,
        "filing_lines",
        "WHERE NOT EXISTS (SELECT 1 FROM filings f WHERE f.filing_id = filing_lines.filing_id "
        "AND f.amendment = filing_lines.amendment)",
    )
    assert result.orphans["line_items_without_filing"] == orphan_lines > 0
    assert result.orphans["filers_referenced_but_not_listed"] == count(
        database, "entities", "WHERE created_by = 'legacy:placeholder'"
    )
    with database.engine.connect() as connection:
        on_file = set(connection.execute(sa.text("SELECT filing_id, amendment FROM filings")).tuples())
    named = {(ref["filing_id"], ref["amendment"]) for _, event in outbox_events(database)
             for ref in event["payload"]["filing_ids"]}  # fmt: skip
    assert named == on_file


def test_migrated_history_publishes_only_legacy_batch_events_naming_what_it_loaded(database, tmp_path):
    LegacyLoader(database).load(committee_export(tmp_path / "export"))
    events = outbox_events(database)
    assert {kind for kind, _ in events} == {"legacy_batch_imported"}
    named = {(ref["filing_id"], ref["amendment"]) for _, event in events for ref in event["payload"]["filing_ids"]}
    assert named == {("900001", 0), ("900001", 1), ("900001", 2)}
    assert {"1300001"} == {entity for _, event in events for entity in event["payload"]["entity_ids"]}
    assert all(len(event["payload"]["filing_ids"]) <= 500 for _, event in events)


def test_fees_correspondence_and_notify_ignore_migrated_history():
    services = Path(__file__).resolve().parents[2]
    for service in ("fees", "correspondence", "notify"):
        for source in (services / service / service).rglob("*.py"):
            assert "legacy_batch_imported" not in source.read_text(), source


def test_lookups_and_filing_periods_become_reference_data(database):
    LegacyLoader(database).load(EXPORT)
    with database.engine.connect() as connection:
        code = connection.execute(
            sa.text("SELECT description FROM legacy_lookup_codes WHERE code_type = '10' AND code_id = '10'")
        ).scalar_one()
        period = connection.execute(
            sa.text("SELECT start_date, description, flags FROM legacy_filing_periods WHERE period_id = '889'")
        ).one()
    assert code == "FILER GROUP TYPES"
    assert period.start_date == "1/1/2182 12:00:00 AM" and period.description == "QUARTER 1"
    assert "START_DATE: impossible date" in json.loads(period.flags)


def test_cars_migrate_loads_a_zip_into_postgres_and_writes_its_report(migrated_database, tmp_path, monkeypatch, capsys):
    database = migrated_database("filings")
    archive = tmp_path / "dbwebexport.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as export:
        for path in sorted(EXPORT.iterdir()):
            export.write(path, f"CalAccess/DATA/{path.name}")
    monkeypatch.setenv("FILINGS_DATABASE_URL", database.url)
    assert cli.main(["load", str(archive), "--report", str(tmp_path / "report.json")]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["reconciled"] and report["totals"]["quarantined"] == sum(QUARANTINED_IN_SAMPLE.values())
    assert report["tables"]["S496_CD"]["repaired"] == 3
    assert "0 withdrawn; reconciled: yes" in capsys.readouterr().out
    assert report["totals"]["withdrawn"] == 0
    assert cli.main(["load", str(archive), "--jobs", "1"]) == 0
    assert "0 changed" in capsys.readouterr().out
    shutil.rmtree(tmp_path / "unused", ignore_errors=True)


def test_a_cover_naming_its_filer_by_a_cross_reference_id_belongs_to_that_filer(database, tmp_path):
    export = committee_export(tmp_path / "export")
    cover = {"FILING_ID": "900002", "AMEND_ID": "0", "REC_TYPE": "CVR", "FORM_TYPE": "F497", "FILER_ID": "001040"}
    write_export(export, {"CVR_CAMPAIGN_DISCLOSURE_CD": [cover]})
    LegacyLoader(database).load(export)
    with database.engine.connect() as connection:
        owner = connection.execute(sa.text("SELECT entity_id FROM filings WHERE filing_id = '900002'")).scalar_one()
    assert owner == "1300001"
    assert count(database, "entities", "WHERE created_by = 'legacy:placeholder'") == 0
