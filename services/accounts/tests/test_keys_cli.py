from accounts import handlers, keys_cli
from accounts.signing_key import SigningKey, pem_text
from cars_shared.data_keys import DataKey, from_b64, new_data_key_text


def test_rotate_then_retire_leaves_only_the_new_key_which_signs(migrated_sqlite, monkeypatch, capsys):
    database = migrated_sqlite("accounts")
    configured = SigningKey.generate()
    monkeypatch.setenv("ACCOUNTS_DATABASE_URL", database.url)
    monkeypatch.setenv("ACCOUNTS_SIGNING_KEY", pem_text(configured))
    assert keys_cli.main(["rotate"]) == 0
    with database.session() as session:
        ring = handlers.load_key_ring(session)
    assert [key.kid for key in ring.keys][1:] == [configured.kid]
    assert keys_cli.main(["retire"]) == 0
    with database.session() as session:
        ring = handlers.load_key_ring(session)
    assert len(ring.keys) == 1 and ring.current.kid != configured.kid
    assert f"retired {configured.kid}" in capsys.readouterr().out


def test_reseal_moves_the_stored_secrets_to_the_newest_data_key(migrated_sqlite, monkeypatch, capsys, data_key):
    database = migrated_sqlite("accounts")
    monkeypatch.setenv("ACCOUNTS_DATABASE_URL", database.url)
    monkeypatch.setenv("ACCOUNTS_SIGNING_KEY", pem_text(SigningKey.generate()))
    assert keys_cli.main(["list"]) == 0
    newer = new_data_key_text()
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", f"{newer},{data_key}")
    assert keys_cli.main(["reseal"]) == 0
    kid = DataKey(from_b64(newer), "accounts").kid
    assert f"resealed 1 stored secret with data key {kid}" in capsys.readouterr().out
    monkeypatch.setenv("ACCOUNTS_DATA_KEY", newer)
    with database.session() as session:
        assert len(handlers.load_key_ring(session).keys) == 1
