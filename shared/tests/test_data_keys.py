"""Data keys seal a service's secrets at rest: each service has keys of its own, configured or kept in a file."""

import os
import stat

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from cars_shared.data_keys import (
    SEALED_PREFIX,
    BrokenSeal,
    DataKey,
    DataKeyRing,
    DataKeys,
    InvalidDataKeys,
    UnknownDataKey,
    from_b64,
    new_data_key_text,
    parse_keys,
)
from cars_shared.sealed_text import SealedText

CONTEXT = "vendor_webhook_endpoints.signing_secret"
SECRET = "whsec_Zm9yIHRoZSB0ZXN0cyBvbmx5LCBuZXZlciBkZXBsb3llZA"


def ring_of(*texts, service="filings"):
    return DataKeyRing(tuple(DataKey(from_b64(text), service) for text in texts))


def test_a_sealed_value_names_its_key_hides_the_plaintext_and_opens_again():
    ring = ring_of(new_data_key_text())
    sealed = ring.seal(SECRET, CONTEXT)
    assert sealed.startswith(f"{SEALED_PREFIX}{ring.current.kid}:")
    assert SECRET not in sealed
    assert ring.open(sealed, CONTEXT) == SECRET


def test_sealing_the_same_value_twice_gives_different_ciphertexts():
    ring = ring_of(new_data_key_text())
    assert ring.seal(SECRET, CONTEXT) != ring.seal(SECRET, CONTEXT)


def test_a_value_sealed_with_a_key_not_configured_fails_loudly_naming_the_key_and_variables_but_no_secret():
    sealed_by = ring_of(new_data_key_text())
    sealed = sealed_by.seal(SECRET, CONTEXT)
    with pytest.raises(UnknownDataKey) as refused:
        ring_of(new_data_key_text()).open(sealed, CONTEXT)
    assert sealed_by.current.kid in str(refused.value)
    assert "FILINGS_DATA_KEY or FILINGS_DATA_KEY_FILE" in str(refused.value)
    assert SECRET not in str(refused.value)


def test_an_altered_value_or_one_moved_to_another_column_does_not_open():
    ring = ring_of(new_data_key_text())
    sealed = ring.seal(SECRET, CONTEXT)
    altered = sealed[:-2] + ("AA" if not sealed.endswith("AA") else "BB")
    with pytest.raises(BrokenSeal):
        ring.open(altered, CONTEXT)
    with pytest.raises(BrokenSeal):
        ring.open(sealed, "vendor_webhook_endpoints.url")


def test_a_plaintext_value_is_refused_rather_than_used():
    with pytest.raises(BrokenSeal):
        ring_of(new_data_key_text()).open(SECRET, CONTEXT)


def test_a_new_key_first_seals_while_the_older_one_still_opens():
    old, new = new_data_key_text(), new_data_key_text()
    sealed_before = ring_of(old).seal(SECRET, CONTEXT)
    rotated = ring_of(new, old)
    assert rotated.open(sealed_before, CONTEXT) == SECRET
    assert not rotated.sealed_with_current(sealed_before)
    assert rotated.sealed_with_current(rotated.seal(SECRET, CONTEXT))


def test_the_same_key_has_a_different_id_in_each_service():
    key = from_b64(new_data_key_text())
    assert DataKey(key, "accounts").kid != DataKey(key, "filings").kid


def test_configured_keys_are_comma_or_line_separated_and_comments_are_skipped():
    old, new = new_data_key_text(), new_data_key_text()
    keys = parse_keys(f"# newest first\n{new}\n  {old}  \n", "the key file", "filings")
    assert [key.kid for key in keys] == [DataKey(from_b64(new), "filings").kid, DataKey(from_b64(old), "filings").kid]
    assert [key.kid for key in parse_keys(f"{new},{old}", "FILINGS_DATA_KEY", "filings")] == [key.kid for key in keys]


@pytest.mark.parametrize("text", ["", "# only a comment", "c2hvcnQ", "not base64 at all!"])
def test_keys_that_are_not_32_bytes_of_base64_are_refused_without_echoing_them(text):
    with pytest.raises(InvalidDataKeys) as refused:
        parse_keys(text, "FILINGS_DATA_KEY", "filings")
    assert "FILINGS_DATA_KEY" in str(refused.value)
    if text.strip() and not text.startswith("#"):
        assert text not in str(refused.value)


def test_a_service_without_declared_key_variables_has_no_data_keys():
    with pytest.raises(KeyError, match="SEARCH_DATA_KEY"):
        DataKeys.for_service("search")


def test_each_service_reads_its_own_variable(monkeypatch):
    accounts_key, filings_key = new_data_key_text(), new_data_key_text()
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", accounts_key)
    monkeypatch.setenv("FILINGS_DATA_KEY", filings_key)
    assert DataKeys.for_service("filings").ring().current.kid == DataKey(from_b64(filings_key), "filings").kid
    assert DataKeys.for_service("accounts").ring().current.kid == DataKey(from_b64(accounts_key), "accounts").kid


def test_without_a_configured_key_a_key_file_is_made_on_first_use_readable_only_by_its_owner(tmp_path, monkeypatch):
    monkeypatch.setenv("FILINGS_DATA_KEY", "")
    monkeypatch.setenv("FILINGS_DATA_KEY_FILE", "")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    keys = DataKeys.for_service("filings")
    first = keys.ring()
    path = tmp_path / "filings-data-key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().startswith("# CARS filings data keys")
    assert [key.kid for key in parse_keys(path.read_text(), str(path), "filings")] == [first.current.kid]
    assert keys.ring().current.kid == first.current.kid


def test_the_key_file_may_be_named_and_is_never_replaced(tmp_path, monkeypatch):
    path = tmp_path / "keys" / "data-keys"
    path.parent.mkdir()
    given = new_data_key_text()
    path.write_text(given + "\n")
    monkeypatch.setenv("FILINGS_DATA_KEY", "")
    monkeypatch.setenv("FILINGS_DATA_KEY_FILE", str(path))
    assert DataKeys.for_service("filings").ring().current.kid == DataKey(from_b64(given), "filings").kid
    assert path.read_text() == given + "\n"


def test_a_key_in_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    given = new_data_key_text()
    monkeypatch.setenv("FILINGS_DATA_KEY", given)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    assert DataKeys.for_service("filings").ring().current.kid == DataKey(from_b64(given), "filings").kid
    assert not (tmp_path / "filings-data-key").exists()


def test_a_sealed_text_column_stores_the_sealed_value_and_reads_the_plaintext(monkeypatch):
    monkeypatch.setenv("FILINGS_DATA_KEY", new_data_key_text())
    table = Table(
        "endpoints",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("signing_secret", SealedText(CONTEXT, DataKeys.for_service("filings"))),
    )
    engine = create_engine("sqlite://")
    try:
        table.metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(insert(table).values(id=1, signing_secret=SECRET))
            stored = connection.execute(text("SELECT signing_secret FROM endpoints")).scalar_one()
            read = connection.execute(select(table.c.signing_secret)).scalar_one()
    finally:
        engine.dispose()
    assert stored.startswith(SEALED_PREFIX) and SECRET not in stored
    assert read == SECRET
