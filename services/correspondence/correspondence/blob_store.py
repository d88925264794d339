"""Blob store for rendered documents: write-once content under a key, checked by SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from cars_shared.config import (
    BLOB_DIR,
    BLOB_STORE_URL,
    S3_ACCESS_KEY_ID,
    S3_ENDPOINT_URL,
    S3_REGION,
    S3_SECRET_ACCESS_KEY,
    var_path,
)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}$")


class BlobError(Exception):
    """Base of the blob store's errors."""


class BlobNotFound(BlobError, KeyError):
    """No blob is stored under the key."""


class BlobAlreadyExists(BlobError):
    """A different content is already stored under the key; blobs are immutable."""


class BlobCorrupted(BlobError):
    """The content under the key no longer matches the SHA-256 recorded when it was stored."""


class InvalidBlobKey(BlobError, ValueError):
    """The key is not a relative path of safe segments."""


class BlobStore(Protocol):
    """Where documents are kept: local files here, object storage in production."""

    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key` once; returns its SHA-256 (hex). Same content again is a no-op."""
        ...

    def get(self, key: str) -> bytes:
        """The content stored under `key` (BlobNotFound if none; BlobCorrupted if it fails a check kept with it)."""
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
    """The blob store BLOB_STORE_URL names: s3://bucket[/prefix] for object storage, else local files."""
    url = BLOB_STORE_URL.get().strip()
    if not url:
        return LocalBlobStore(blob_dir())
    # Imported here so a local run never loads boto3.
    from correspondence.blob_store_s3 import S3BlobStore, S3Location, s3_client

    location = S3Location.from_url(url)
    client = s3_client(
        endpoint_url=S3_ENDPOINT_URL.get(),
        region=S3_REGION.get(),
        access_key_id=S3_ACCESS_KEY_ID.get(),
        secret_access_key=S3_SECRET_ACCESS_KEY.get(),
    )
    return S3BlobStore(client, location.bucket, location.prefix)
