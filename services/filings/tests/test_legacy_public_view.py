"""Migrated filings through the public versions API: every part shown, private legacy columns left out."""

from pathlib import Path

import pytest

from cars_shared.data_keys import new_data_key_text
from filings.gateway import create_app
from filings.legacy.loader import LegacyLoader
from filings.versions.legacy import is_public_column
from services.filings.tests.test_legacy_loader import committee_export, header

COVER_CONTACT = {"FILER_PHON": "9165551234", "FILE_EMAIL": "friends@example.org", "TRES_EMAIL": "t@example.org"}


@pytest.fixture
def database(migrated_sqlite):
    return migrated_sqlite("filings")


@pytest.fixture
def client(database, token_mint, monkeypatch):
    monkeypatch.setenv("FILINGS_DATA_KEY", new_data_key_text())
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def append(folder: Path, table: str, rows: list[dict[str, str]]) -> None:
    columns = header(table)
    path = folder / f"{table}.TSV"
    lines = ["\t".join(row.get(column, "") for column in columns) for row in rows]
    existing = path.read_bytes() if path.exists() else ("\t".join(columns) + "\r\n").encode()
    path.write_bytes(existing + ("\r\n".join(lines) + "\r\n").encode())


@pytest.fixture
def migrated(database, tmp_path):
    """The committee of test_legacy_loader with contacts on its cover, election splits, and a Form 470 filing
    (a form CARS has no declaration for)."""
    folder = committee_export(tmp_path / "export")
    covers = (folder / "CVR_CAMPAIGN_DISCLOSURE_CD.TSV").read_bytes().decode().split("\r\n")
    columns = covers[0].split("\t")
    rows = [dict(zip(columns, line.split("\t"), strict=True)) for line in covers[1:] if line]
    (folder / "CVR_CAMPAIGN_DISCLOSURE_CD.TSV").unlink()
    append(folder, "CVR_CAMPAIGN_DISCLOSURE_CD", [{**row, **COVER_CONTACT, "FILER_CITY": "Sacramento"} for row in rows])
    split = {"FILING_ID": "900001", "AMEND_ID": "2", "LINE_ITEM": "1", "PFORM_TYPE": "A", "ELEC_CODE": "G"}
    append(folder, "SPLT_CD", [{**split, "ELEC_DATE": "11/8/2016 12:00:00 AM", "ELEC_AMOUNT": "250"}])
    append(folder, "FILER_FILINGS_CD", [{"FILER_ID": "1300001", "FILING_ID": "900002", "FORM_ID": "F470",
                                         "FILING_SEQUENCE": "0", "FILING_DATE": "1/31/2017 12:00:00 AM"}])  # fmt: skip
    LegacyLoader(database).load(folder)
    return folder


def part(body, name):
    return next(item for item in body["parts"] if item["name"] == name)


def test_the_rule_leaves_out_street_addresses_telephones_e_mail_and_bank_accounts():
    for private in ("ADR1", "BANK_ADR2", "FILER_PHON", "DAY_PHONE", "FAX", "CMTE_EMAIL", "EMAIL_ADR", "ACCOUNT_NO"):
        assert not is_public_column(private), private
    for public in ("CTRIB_CITY", "CTRIB_ST", "CTRIB_ZIP4", "contributor_name", "employer", "amount", "legacy_flags"):
        assert is_public_column(public), public


def test_a_migrated_version_shows_its_legacy_records_without_contacts(client, migrated):
    response = client.get("/api/filings/v1/filings/900001/versions/2")
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["entity_id"], body["form"], body["latest_amendment"]) == ("1300001", "F460", 2)
    cover = {field["name"]: field["value"] for field in part(body, "cover")["fields"]}
    assert cover["filer_name"] == "Friends of Example" and cover["FILER_CITY"] == "Sacramento"
    assert cover["STMT_TYPE"] == "SA" and "legacy_flags" in cover
    assert not COVER_CONTACT.keys() & cover.keys()
    assert part(body, "schedule_a")["line_count"] == 2
    assert part(body, "election_splits")["line_count"] == 1


def test_migrated_line_items_read_page_by_page_in_the_public_view(client, migrated):
    body = client.get("/api/filings/v1/filings/900001/versions/2/lines/schedule_a").json
    assert [line["line"] for line in body["lines"]] == [1, 2]
    first = body["lines"][0]["values"]
    assert first["contributor_name"] == "Philip Dunn" and first["amount"] == "250" and first["date"] == "2016-02-03"
    assert {"name": "amount", "label": "Amount received"} in body["columns"]
    assert {"name": "CTRIB_CITY", "label": "CTRIB_CITY"} not in body["columns"], "blank in the export: not kept"
    splits = client.get("/api/filings/v1/filings/900001/versions/2/lines/election_splits").json
    assert splits["lines"][0]["values"]["ELEC_AMOUNT"] == "250"
    assert client.get("/api/filings/v1/filings/900001/versions/2/lines/schedule_z").status_code == 404


def test_a_filing_of_a_form_without_declaration_is_readable(client, migrated):
    body = client.get("/api/filings/v1/filings/900002/versions/0").json
    assert (body["form"], body["form_name"]) == ("F470", "F470")
    record = {field["name"]: field["value"] for field in part(body, "filer_filing")["fields"]}
    assert record["FORM_ID"] == "F470"
    history = client.get("/api/filings/v1/filings/900001/versions").json
    assert [version["amendment"] for version in history["versions"]] == [0, 1, 2]
    listing = client.get("/api/filings/v1/entities/1300001/filings").json
    assert {item["filing_id"] for item in listing["items"]} == {"900001", "900002"}
    public = client.get("/api/filings/v1/public/filing-versions").json["items"]
    assert [(item["filing_id"], item["amendment"]) for item in public] == [
        ("900001", 0), ("900001", 1), ("900001", 2), ("900002", 0)
    ]  # fmt: skip


def test_staff_read_the_contacts_in_the_full_view(client, migrated, token_mint):
    response = client.get(
        "/api/filings/v1/filings/900001/versions/2?view=full", headers=token_mint.headers(roles=("staff",))
    )
    assert response.status_code == 200, response.json
    cover = {field["name"]: field["value"] for field in part(response.json, "cover")["fields"]}
    assert cover["FILE_EMAIL"] == "friends@example.org"
