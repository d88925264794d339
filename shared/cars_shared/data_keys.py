"""Data keys that encrypt a service's secrets at rest with AES-256-GCM, each sealed value naming its key.

A sealed value reads `sealed:v1:<key id>:<base64url of nonce, ciphertext and tag>`; the key id is a fingerprint
of the key within its service. Each service has keys of its own, given in `<SERVICE>_DATA_KEY`, else in the file
`<SERVICE>_DATA_KEY_FILE` (default VAR_DIR/<service>-data-key, created with one new key on first use). The first
configured key seals, every configured key opens, so a key rotates by putting a new one first, resealing the
stored values and only then dropping the old one.
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

from cars_shared.config import VAR_DIR, VARIABLES, Variable
from cars_shared.key_files import create_secret_file

SEALED_PREFIX = "sealed:v1:"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_SEPARATORS = re.compile(r"[,\s]+")


class SealedDataError(RuntimeError):
    """A sealed value cannot be opened with the configured data keys."""


class UnknownDataKey(SealedDataError):
    """The value was sealed with a key that the service's configured data keys do not hold."""


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


def key_variables(service: str) -> str:
    """The variables naming a service's data keys, as messages tell operators where to look."""
    return f"{service.upper()}_DATA_KEY or {service.upper()}_DATA_KEY_FILE"


@dataclass(frozen=True)
class DataKey:
    """One AES-256 key of a service; its id is a fingerprint, so configuration cannot name a key wrongly."""

    secret: bytes = field(repr=False)
    service: str

    @cached_property
    def kid(self) -> str:
        # The service in the fingerprint keeps the ids of the accounts keys as they were before other services
        # had keys of their own, so the values already stored still name theirs.
        return hashlib.sha256(f"cars-{self.service}-data-key:".encode("ascii") + self.secret).hexdigest()[:16]


def parse_keys(text: str, source: str, service: str) -> tuple[DataKey, ...]:
    """The service's keys in a configuration text (lines starting with # are comments), newest first."""
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
        keys.append(DataKey(secret, service))
    if not keys:
        raise InvalidDataKeys(f"{source} holds no data key.")
    return tuple(keys)


@dataclass(frozen=True)
class DataKeyRing:
    """A service's configured data keys, newest first: the newest seals, every one opens."""

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
                f"({key_variables(self.current.service)}) do not hold."
            )
        try:
            raw = from_b64(body)
            plaintext = AESGCM(key.secret).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except (InvalidTag, ValueError) as error:
            raise BrokenSeal(f"A value stored as {context} was altered or does not belong there.") from error
        return plaintext.decode("utf-8")

    def sealed_with_current(self, sealed: str) -> bool:
        return sealed.startswith(f"{SEALED_PREFIX}{self.current.kid}:")


@dataclass(frozen=True)
class DataKeys:
    """Where one service's data keys are configured: `<SERVICE>_DATA_KEY`, else the key file."""

    service: str

    def __post_init__(self) -> None:
        for name in (f"{self.service.upper()}_DATA_KEY", f"{self.service.upper()}_DATA_KEY_FILE"):
            if name not in VARIABLES:
                raise KeyError(f"{name} is not declared in cars_shared.config")

    @classmethod
    def for_service(cls, service: str) -> DataKeys:
        """The data keys of `service` (its two variables must be declared in `cars_shared.config`)."""
        return cls(service)

    @property
    def variable(self) -> Variable:
        return VARIABLES[f"{self.service.upper()}_DATA_KEY"]

    @property
    def file_variable(self) -> Variable:
        return VARIABLES[f"{self.service.upper()}_DATA_KEY_FILE"]

    def key_file_path(self) -> Path:
        configured = self.file_variable.get()
        return Path(configured) if configured else Path(VAR_DIR.get()) / f"{self.service}-data-key"

    def ring(self) -> DataKeyRing:
        """The configured keys: the variable, else the key file, created with one new key on first use.

        Read once per process and configuration: restart the processes after changing the keys.
        """
        configured = self.variable.get().strip()
        return _ring_of(self.service, configured, "" if configured else str(self.key_file_path()))


def _key_file_header(service: str) -> str:
    return f"# CARS {service} data keys (base64 of 32 bytes), one a line, newest first; keep them secret.\n"


@lru_cache(maxsize=16)
def _ring_of(service: str, configured: str, path: str) -> DataKeyRing:
    if configured:
        return DataKeyRing(parse_keys(configured, f"{service.upper()}_DATA_KEY", service))
    key_file = Path(path)
    if not key_file.exists():
        create_secret_file(key_file, (_key_file_header(service) + new_data_key_text() + "\n").encode("ascii"))
    return DataKeyRing(parse_keys(key_file.read_text(encoding="ascii"), str(key_file), service))
