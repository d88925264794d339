"""The accounts data keys: ACCOUNTS_DATA_KEY, else the accounts key file, with the ids stored values name."""

import os
import stat

from accounts.data_keys import data_key_ring
from cars_shared.data_keys import DataKey, from_b64, new_data_key_text, parse_keys

# A TOTP secret sealed for users.mfa_secret before the data keys moved to the shared package.
SEALED_BEFORE_THE_MOVE = (
    "ZXiejbk_hYirlhnWUyNo6Pq-WK_5Ydw-dEq0rLstNeQ",
    "35954e6e03ccc33f",
    "sealed:v1:35954e6e03ccc33f:c7HlvYfCVNFQSANjZQhdO_2898FnXvGQ2j7hP8QSY7ywe1KtDtk76tzI67FjTLrFURJAjaNuU16JrLT6",
)
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_values_sealed_before_keep_their_key_id_and_still_open(monkeypatch):
    key, kid, sealed = SEALED_BEFORE_THE_MOVE
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", key)
    ring = data_key_ring()
    assert ring.current.kid == kid
    assert ring.open(sealed, "users.mfa_secret") == TOTP_SECRET


def test_without_a_configured_key_a_key_file_is_made_on_first_use_readable_only_by_its_owner(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", "")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    first = data_key_ring()
    path = tmp_path / "accounts-data-key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [key.kid for key in parse_keys(path.read_text(), str(path), "accounts")] == [first.current.kid]
    assert data_key_ring().current.kid == first.current.kid


def test_the_key_file_may_be_named_and_is_never_replaced(tmp_path, monkeypatch):
    path = tmp_path / "keys" / "data-keys"
    path.parent.mkdir()
    given = new_data_key_text()
    path.write_text(given + "\n")
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", "")
    monkeypatch.setenv("ACCOUNTS_DATA_KEY_FILE", str(path))
    assert data_key_ring().current.kid == DataKey(from_b64(given), "accounts").kid
    assert path.read_text() == given + "\n"


def test_a_key_in_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    given = new_data_key_text()
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", given)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    assert data_key_ring().current.kid == DataKey(from_b64(given), "accounts").kid
    assert not (tmp_path / "accounts-data-key").exists()
