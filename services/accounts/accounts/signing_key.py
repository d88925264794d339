"""Ed25519 keys that sign access tokens, their public JWKs and key ids (RFC 7638 thumbprints), and the key ring."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cars_shared.config import ACCESS_TOKEN_TTL_SECONDS, ACCOUNTS_SIGNING_KEY, ACCOUNTS_SIGNING_KEY_FILE, var_path
from cars_shared.key_files import create_secret_file
from cars_shared.web.auth import ALGORITHM, TokenVerifier, sign_access_token
from cars_shared.web.problems import Unauthorized

DEFAULT_KEY_FILE = "accounts-signing-key.pem"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_x(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64url(raw)


def thumbprint(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint: SHA-256 of the required members in lexicographic order, base64url."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": public_x(public_key)}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return b64url(hashlib.sha256(canonical).digest())


def pem_of(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def private_key_from_pem(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("The accounts signing key must be an Ed25519 private key.")
    return key


def create_key_file(path: Path) -> None:
    """Write a new key to `path` unless one is there; when processes race, exactly one key wins."""
    create_secret_file(path, pem_of(Ed25519PrivateKey.generate()))


def key_file_path() -> Path:
    configured = ACCOUNTS_SIGNING_KEY_FILE.get()
    return Path(configured) if configured else var_path(DEFAULT_KEY_FILE)


@dataclass(frozen=True)
class AccessToken:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret


@dataclass(frozen=True)
class SigningKey:
    """The private key accounts signs with, named by its thumbprint."""

    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load(cls) -> SigningKey:
        """From ACCOUNTS_SIGNING_KEY (PEM text), else from the key file, created on first use."""
        pem = ACCOUNTS_SIGNING_KEY.get().strip()
        if pem:
            # Environment files often carry a PEM on one line with escaped newlines.
            if "\n" not in pem:
                pem = pem.replace("\\n", "\n")
            return cls(private_key_from_pem(pem.encode("ascii")))
        path = key_file_path()
        if not path.exists():
            create_key_file(path)
        return cls(private_key_from_pem(path.read_bytes()))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @cached_property
    def kid(self) -> str:
        return thumbprint(self.public_key)

    def jwk(self) -> dict[str, str]:
        """The public key as a JWK (RFC 8037)."""
        x = public_x(self.public_key)
        return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.kid, "use": "sig", "alg": ALGORITHM}

    def verifier(self) -> TokenVerifier:
        """Verifies tokens this key signed, without fetching anything."""
        return TokenVerifier(keys={self.kid: self.public_key})

    def issue(
        self, *, user_id: str, username: str, roles: list[str], extra_claims: dict[str, Any] | None = None
    ) -> AccessToken:
        ttl = int(ACCESS_TOKEN_TTL_SECONDS.get())
        token = sign_access_token(
            self.private_key,
            self.kid,
            user_id=user_id,
            username=username,
            roles=roles,
            ttl_seconds=ttl,
            extra_claims=extra_claims,
        )
        return AccessToken(access_token=token, expires_in=ttl)


def signing_key_from_pem(pem: str) -> SigningKey:
    return SigningKey(private_key_from_pem(pem.encode("ascii")))


def pem_text(key: SigningKey) -> str:
    return pem_of(key.private_key).decode("ascii")


@dataclass(frozen=True)
class KeyRing:
    """The keys accounts holds, newest first: the newest signs, every one of them verifies."""

    keys: tuple[SigningKey, ...]

    @property
    def current(self) -> SigningKey:
        return self.keys[0]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [key.jwk() for key in self.keys]}

    @cached_property
    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        return {key.kid: key.public_key for key in self.keys}


class CachedKeyRing:
    """A key ring read from its store at most once every `max_age` seconds (rotation shows within that)."""

    def __init__(self, load: Callable[[], KeyRing], max_age: float = 30.0) -> None:
        self._load = load
        self._max_age = max_age
        self._ring: KeyRing | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> KeyRing:
        ring = self._ring
        if ring is not None and time.monotonic() - self._loaded_at < self._max_age:
            return ring
        with self._lock:
            if self._ring is None or time.monotonic() - self._loaded_at >= self._max_age:
                self._ring = self._load()
                self._loaded_at = time.monotonic()
            return self._ring


class KeyRingVerifier(TokenVerifier):
    """Verifies access tokens with the unretired keys of the ring, read from the store, not over HTTP."""

    def __init__(self, ring: CachedKeyRing) -> None:
        super().__init__()
        self.ring = ring

    def _key(self, kid: str) -> Any:
        keys = self.ring.get().public_keys
        if kid not in keys:
            raise Unauthorized("The access token was signed by an unknown or retired key.")
        return keys[kid]


class CurrentSigningKey:
    """Whichever key of the ring signs right now, looked up on each use; stands in where one SigningKey is expected."""

    def __init__(self, ring: CachedKeyRing) -> None:
        self.ring = ring

    @property
    def key(self) -> SigningKey:
        return self.ring.get().current

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return self.key.private_key

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.key.public_key

    @property
    def kid(self) -> str:
        return self.key.kid

    def jwk(self) -> dict[str, str]:
        return self.key.jwk()

    def issue(self, **claims: Any) -> AccessToken:
        return self.key.issue(**claims)
