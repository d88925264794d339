import base64
import os
import stat
import subprocess
import sys

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from accounts.signing_key import SigningKey, create_key_file, pem_of, thumbprint


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "keys" / "signing-key.pem"
    monkeypatch.setenv("ACCOUNTS_SIGNING_KEY", "")
    monkeypatch.setenv("ACCOUNTS_SIGNING_KEY_FILE", str(path))
    return path


def test_key_id_is_the_rfc_7638_thumbprint():
    # The Ed25519 example of RFC 8037, appendix A.3.
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    public_key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "="))
    assert thumbprint(public_key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_key_is_generated_on_first_use_readable_only_by_its_owner(key_file):
    first = SigningKey.load()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert SigningKey.load().kid == first.kid


def test_an_existing_key_file_is_never_replaced(key_file):
    original = SigningKey.load()
    create_key_file(key_file)
    assert SigningKey.load().kid == original.kid
    assert sorted(p.name for p in key_file.parent.iterdir()) == [key_file.name]


def test_processes_starting_together_agree_on_one_key(key_file):
    env = {**os.environ, "ACCOUNTS_SIGNING_KEY": "", "ACCOUNTS_SIGNING_KEY_FILE": str(key_file)}
    code = "from accounts.signing_key import SigningKey; print(SigningKey.load().kid)"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True) for _ in range(6)
    ]
    kids = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert kids == {SigningKey.load().kid}
    assert sorted(p.name for p in key_file.parent.iterdir()) == [key_file.name]


def test_key_given_in_the_environment_wins_over_the_file(key_file, monkeypatch):
    given = SigningKey.generate()
    monkeypatch.setenv("ACCOUNTS_SIGNING_KEY", pem_of(given.private_key).decode())
    assert SigningKey.load().kid == given.kid
    assert not key_file.exists()


def test_key_in_the_environment_may_use_escaped_newlines(key_file, monkeypatch):
    given = SigningKey.generate()
    monkeypatch.setenv("ACCOUNTS_SIGNING_KEY", pem_of(given.private_key).decode().replace("\n", "\\n"))
    assert SigningKey.load().kid == given.kid


def test_issued_token_verifies_with_the_published_jwk(monkeypatch):
    monkeypatch.setenv("ACCESS_TOKEN_TTL_SECONDS", "120")
    key = SigningKey.generate()
    issued = key.issue(user_id="u-1", username="jdoe", roles=["filer"], extra_claims={"entities": []})
    jwk = key.jwk()
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert jwt.get_unverified_header(issued.access_token)["kid"] == jwk["kid"]
    claims = jwt.decode(
        issued.access_token, jwt.PyJWK(jwk).key, algorithms=["EdDSA"], audience="cars", issuer="cars-accounts"
    )
    assert (claims["sub"], claims["exp"] - claims["iat"], issued.expires_in) == ("u-1", 120, 120)
