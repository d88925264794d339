import os
import stat

import pytest

from accounts.data_keys import (
    SEALED_PREFIX,
    BrokenSeal,
    DataKey,
    DataKeyRing,
    InvalidDataKeys,
    UnknownDataKey,
    data_key_ring,
    from_b64,
    new_data_key_text,
    parse_keys,
)

CONTEXT = "users.mfa_secret"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def ring_of(*texts):
    return DataKeyRing(tuple(DataKey(from_b64(text)) for text in texts))


def test_a_sealed_value_names_its_key_hides_the_plaintext_and_opens_again():
    ring = ring_of(new_data_key_text())
    sealed = ring.seal(TOTP_SECRET, CONTEXT)
    assert sealed.startswith(f"{SEALED_PREFIX}{ring.current.kid}:")
    assert TOTP_SECRET not in sealed
    assert ring.open(sealed, CONTEXT) == TOTP_SECRET


def test_sealing_the_same_value_twice_gives_different_ciphertexts():
    ring = ring_of(new_data_key_text())
    assert ring.seal(TOTP_SECRET, CONTEXT) != ring.seal(TOTP_SECRET, CONTEXT)


def test_a_value_sealed_with_a_key_not_configured_fails_loudly_naming_the_key_but_no_secret():
    sealed_by = ring_of(new_data_key_text())
    sealed = sealed_by.seal(TOTP_SECRET, CONTEXT)
    with pytest.raises(UnknownDataKey) as refused:
        ring_of(new_data_key_text()).open(sealed, CONTEXT)
    assert sealed_by.current.kid in str(refused.value)
    assert TOTP_SECRET not in str(refused.value)


def test_an_altered_value_or_one_moved_to_another_column_does_not_open():
    ring = ring_of(new_data_key_text())
    sealed = ring.seal(TOTP_SECRET, CONTEXT)
    altered = sealed[:-2] + ("AA" if not sealed.endswith("AA") else "BB")
    with pytest.raises(BrokenSeal):
        ring.open(altered, CONTEXT)
    with pytest.raises(BrokenSeal):
        ring.open(sealed, "users.mfa_pending_secret")


def test_a_plaintext_value_is_refused_rather_than_used():
    with pytest.raises(BrokenSeal):
        ring_of(new_data_key_text()).open(TOTP_SECRET, CONTEXT)


def test_a_new_key_first_seals_while_the_older_one_still_opens():
    old, new = new_data_key_text(), new_data_key_text()
    sealed_before = ring_of(old).seal(TOTP_SECRET, CONTEXT)
    rotated = ring_of(new, old)
    assert rotated.open(sealed_before, CONTEXT) == TOTP_SECRET
    assert not rotated.sealed_with_current(sealed_before)
    assert rotated.sealed_with_current(rotated.seal(TOTP_SECRET, CONTEXT))


def test_configured_keys_are_comma_or_line_separated_and_comments_are_skipped():
    old, new = new_data_key_text(), new_data_key_text()
    keys = parse_keys(f"# newest first\n{new}\n  {old}  \n", "the key file")
    assert [key.kid for key in keys] == [DataKey(from_b64(new)).kid, DataKey(from_b64(old)).kid]
    assert [key.kid for key in parse_keys(f"{new},{old}", "ACCOUNTS_DATA_KEY")] == [key.kid for key in keys]


@pytest.mark.parametrize("text", ["", "# only a comment", "c2hvcnQ", "not base64 at all!"])
def test_keys_that_are_not_32_bytes_of_base64_are_refused_without_echoing_them(text):
    with pytest.raises(InvalidDataKeys) as refused:
        parse_keys(text, "ACCOUNTS_DATA_KEY")
    assert "ACCOUNTS_DATA_KEY" in str(refused.value)
    if text.strip() and not text.startswith("#"):
        assert text not in str(refused.value)


def test_without_a_configured_key_a_key_file_is_made_on_first_use_readable_only_by_its_owner(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", "")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    first = data_key_ring()
    path = tmp_path / "accounts-data-key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [key.kid for key in parse_keys(path.read_text(), str(path))] == [first.current.kid]
    assert data_key_ring().current.kid == first.current.kid


def test_the_key_file_may_be_named_and_is_never_replaced(tmp_path, monkeypatch):
    path = tmp_path / "keys" / "data-keys"
    path.parent.mkdir()
    given = new_data_key_text()
    path.write_text(given + "\n")
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", "")
    monkeypatch.setenv("ACCOUNTS_DATA_KEY_FILE", str(path))
    assert data_key_ring().current.kid == DataKey(from_b64(given)).kid
    assert path.read_text() == given + "\n"


def test_a_key_in_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    given = new_data_key_text()
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", given)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    assert data_key_ring().current.kid == DataKey(from_b64(given)).kid
    assert not (tmp_path / "accounts-data-key").exists()
