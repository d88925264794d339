"""Data keys that encrypt secrets at rest (TOTP secrets, signing keys) with AES-256-GCM, each value naming its key.

A sealed value reads `sealed:v1:<key id>:<base64url of nonce, ciphertext and tag>`; the key id is a fingerprint
of the key. The first configured key seals, every configured key opens, so a key rotates by putting a new one
first, resealing (`cars-accounts-keys reseal`) and only then dropping the old one.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from accounts.key_files import create_secret_file
from cars_shared.config import ACCOUNTS_DATA_KEY, ACCOUNTS_DATA_KEY_FILE, VAR_DIR

SEALED_PREFIX = "sealed:v1:"
KEY_BYTES = 32
NONCE_BYTES = 12
DEFAULT_KEY_FILE = "accounts-data-key"
KEY_FILE_HEADER = "# CARS accounts data keys (base64 of 32 bytes), one a line, newest first; keep them secret.\n"
KEY_SEPARATORS = re.compile(r"[,\s]+")


class SealedDataError(RuntimeError):
    """A sealed value cannot be opened with the configured data keys."""


class UnknownDataKey(SealedDataError):
    """The value was sealed with a key that ACCOUNTS_DATA_KEY (or its file) does not hold."""


class BrokenSeal(SealedDataError):
    """The value is not a sealed value, or it was altered or moved from where it was sealed."""


class InvalidDataKeys(ValueError):
    """The configured data keys cannot be used (not base64 of 32 bytes, or none at all)."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64(text: str) -> bytes:
    """Base64, standard or URL-safe, with or without padding."""
    text = text.replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_data_key_text() -> str:
    """A fresh key as configuration holds it."""
    return b64url(os.urandom(KEY_BYTES))


@dataclass(frozen=True)
class DataKey:
    """One AES-256 key; its id is a fingerprint, so configuration cannot name a key wrongly."""

    secret: bytes = field(repr=False)

    @cached_property
    def kid(self) -> str:
        return hashlib.sha256(b"cars-accounts-data-key:" + self.secret).hexdigest()[:16]


def parse_keys(text: str, source: str) -> tuple[DataKey, ...]:
    """The keys of a configuration text (lines starting with # are comments), newest first."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    keys = []
    for number, entry in enumerate(part for part in KEY_SEPARATORS.split("\n".join(lines)) if part):
        try:
            secret = from_b64(entry)
        except ValueError:
            secret = b""
        if len(secret) != KEY_BYTES:
            # Never echo the entry: it may be a key with a typo.
            raise InvalidDataKeys(f"Data key {number + 1} of {source} is not base64 of {KEY_BYTES} bytes.")
        keys.append(DataKey(secret))
    if not keys:
        raise InvalidDataKeys(f"{source} holds no data key.")
    return tuple(keys)


@dataclass(frozen=True)
class DataKeyRing:
    """The configured data keys, newest first: the newest seals, every one opens."""

    keys: tuple[DataKey, ...]

    @property
    def current(self) -> DataKey:
        return self.keys[0]

    @cached_property
    def _by_kid(self) -> dict[str, DataKey]:
        return {key.kid: key for key in reversed(self.keys)}

    def seal(self, plaintext: str, context: str) -> str:
        """`plaintext` encrypted with the current key; `context` (where it is stored) must match to open it."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.current.secret).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{SEALED_PREFIX}{self.current.kid}:{b64url(nonce + sealed)}"

    def open(self, sealed: str, context: str) -> str:
        """The plaintext of a sealed value; UnknownDataKey or BrokenSeal rather than a wrong answer."""
        if not sealed.startswith(SEALED_PREFIX):
            raise BrokenSeal(f"A value stored as {context} is not sealed.")
        kid, _, body = sealed[len(SEALED_PREFIX) :].partition(":")
        key = self._by_kid.get(kid)
        if key is None:
            raise UnknownDataKey(
                f"A value stored as {context} was sealed with data key {kid}, which the configured data keys "
                "(ACCOUNTS_DATA_KEY or ACCOUNTS_DATA_KEY_FILE) do not hold."
            )
        try:
            raw = from_b64(body)
            plaintext = AESGCM(key.secret).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except (InvalidTag, ValueError) as error:
            raise BrokenSeal(f"A value stored as {context} was altered or does not belong there.") from error
        return plaintext.decode("utf-8")

    def sealed_with_current(self, sealed: str) -> bool:
        return sealed.startswith(f"{SEALED_PREFIX}{self.current.kid}:")


def key_file_path() -> Path:
    configured = ACCOUNTS_DATA_KEY_FILE.get()
    return Path(configured) if configured else Path(VAR_DIR.get()) / DEFAULT_KEY_FILE


@lru_cache(maxsize=8)
def _ring_of(configured: str, path: str) -> DataKeyRing:
    if configured:
        return DataKeyRing(parse_keys(configured, "ACCOUNTS_DATA_KEY"))
    key_file = Path(path)
    if not key_file.exists():
        create_secret_file(key_file, (KEY_FILE_HEADER + new_data_key_text() + "\n").encode("ascii"))
    return DataKeyRing(parse_keys(key_file.read_text(encoding="ascii"), str(key_file)))


def data_key_ring() -> DataKeyRing:
    """The configured keys: ACCOUNTS_DATA_KEY, else the key file, created with one new key on first use.

    Read once per process and configuration: restart the processes after changing the keys.
    """
    configured = ACCOUNTS_DATA_KEY.get().strip()
    return _ring_of(configured, "" if configured else str(key_file_path()))
