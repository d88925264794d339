from accounts import handlers, keys_cli
from accounts.signing_key import SigningKey, pem_text


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
