"""Blob store for rendered documents: write-once content under a key, checked by SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from cars_shared.config import BLOB_DIR, var_path

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}$")


class BlobError(Exception):
    """Base of the blob store's errors."""


class BlobNotFound(BlobError, KeyError):
    """No blob is stored under the key."""


class BlobAlreadyExists(BlobError):
    """A different content is already stored under the key; blobs are immutable."""


class InvalidBlobKey(BlobError, ValueError):
    """The key is not a relative path of safe segments."""


class BlobStore(Protocol):
    """Where documents are kept: local files here, object storage in production."""

    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key` once; returns its SHA-256 (hex). Same content again is a no-op."""
        ...

    def get(self, key: str) -> bytes:
        """The content stored under `key` (BlobNotFound if none)."""
        ...


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_key(key: str) -> str:
    """A key is a relative path of safe segments (letters, digits, '.', '_', '-'), never '..'."""
    if not KEY_PATTERN.fullmatch(key) or any(part in {".", ".."} for part in key.split("/")):
        raise InvalidBlobKey(f"invalid blob key: {key!r}")
    return key


class LocalBlobStore:
    """Blobs as read-only files under a folder, each published atomically and never replaced."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_of(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes) -> str:
        digest = sha256_of(data)
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o444)
            try:
                # A hard link publishes the complete file atomically, like rename, but fails instead of
                # replacing a blob another writer published under the same key in the meantime.
                os.link(temporary, path)
            except FileExistsError:
                if sha256_of(path.read_bytes()) != digest:
                    raise BlobAlreadyExists(f"a different blob is already stored under {key!r}") from None
                return digest
            _fsync_directory(path.parent)
        finally:
            os.unlink(temporary)
        return digest

    def get(self, key: str) -> bytes:
        try:
            return self.path_of(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def blob_dir() -> Path:
    """BLOB_DIR, else VAR_DIR/blobs."""
    return Path(BLOB_DIR.get() or var_path("blobs"))


def configured_blob_store() -> BlobStore:
    """The blob store the environment configures (the local one is the only kind so far)."""
    return LocalBlobStore(blob_dir())
