"""Blob store on S3-compatible object storage: each key written once, its SHA-256 kept with the object."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from correspondence.blob_store import BlobAlreadyExists, BlobCorrupted, BlobNotFound, check_key, sha256_of

# The object metadata entry holding the content's SHA-256 (hex), sent as x-amz-meta-sha256.
SHA256_METADATA = "sha256"
# What servers answer to a conditional write they do not implement (then writes fall back to a HEAD check).
UNSUPPORTED_CONDITION_CODES = frozenset({"NotImplemented"})
# Tries of a conditional write that meets another write of the same key still in flight (409).
CONFLICT_ATTEMPTS = 5


class InvalidBlobStoreUrl(ValueError):
    """BLOB_STORE_URL is not s3://bucket[/prefix]."""


@dataclass(frozen=True)
class S3Location:
    """A bucket and the prefix (without trailing slash, maybe empty) under which blobs are kept."""

    bucket: str
    prefix: str

    @classmethod
    def from_url(cls, url: str) -> S3Location:
        """s3://bucket or s3://bucket/some/prefix."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise InvalidBlobStoreUrl(f"BLOB_STORE_URL must be s3://bucket[/prefix], not {url!r}")
        return cls(bucket=parts.netloc, prefix=parts.path.strip("/"))


def s3_client(
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> Any:
    """A boto3 S3 client; credentials left out are found by boto3's own chain (environment, instance role)."""
    config = Config(
        # Path-style addressing and checksums only where required keep S3-compatible servers (MinIO, Ceph) happy.
        s3={"addressing_style": "path"} if endpoint_url else None,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=10,
        read_timeout=60,
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=config,
    )


class S3BlobStore:
    """Blobs as objects under a prefix of a bucket, never overwritten, each carrying its SHA-256 as metadata.

    A write is conditional (If-None-Match: *) so a key already taken is never replaced; against a server
    that does not implement conditional writes the store falls back to looking first (HEAD), which leaves
    a small window for two concurrent writers of one key.
    """

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.conditional_writes = True

    def object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> str:
        digest = sha256_of(data)
        object_key = self.object_key(key)
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            if not self.conditional_writes:
                break
            try:
                self._write(object_key, data, digest, if_none_match=True)
                return digest
            except ClientError as error:
                if _status(error) == 412 or _code(error) == "PreconditionFailed":
                    return self._same_as_stored(key, digest)
                in_flight = _status(error) == 409 or _code(error) == "ConditionalRequestConflict"
                if in_flight and attempt < CONFLICT_ATTEMPTS:
                    # Another write of the key is in flight: once it lands the condition decides.
                    time.sleep(0.05 * attempt)
                    continue
                if _code(error) not in UNSUPPORTED_CONDITION_CODES and _status(error) != 501:
                    raise
                self.conditional_writes = False
        if self._exists(object_key):
            return self._same_as_stored(key, digest)
        self._write(object_key, data, digest, if_none_match=False)
        return digest

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if _status(error) == 404 or _code(error) in ("NoSuchKey", "404", "NotFound"):
                raise BlobNotFound(key) from None
            raise
        data = answer["Body"].read()
        recorded = answer.get("Metadata", {}).get(SHA256_METADATA)
        if recorded is not None and recorded != sha256_of(data):
            raise BlobCorrupted(f"the blob under {key!r} does not match the SHA-256 stored with it")
        return data

    def _write(self, object_key: str, data: bytes, digest: str, *, if_none_match: bool) -> None:
        options: dict[str, Any] = {"IfNoneMatch": "*"} if if_none_match else {}
        self.client.put_object(
            Bucket=self.bucket,
            Key=object_key,
            Body=data,
            ContentType=_content_type(object_key),
            Metadata={SHA256_METADATA: digest},
            # The server checks the upload against this and refuses a body damaged on the way.
            ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode(),
            **options,
        )

    def _exists(self, object_key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=object_key)
        except ClientError as error:
            if _status(error) == 404 or _code(error) in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def _same_as_stored(self, key: str, digest: str) -> str:
        """The key is taken: the same content again is a no-op, anything else is refused."""
        if sha256_of(self.get(key)) != digest:
            raise BlobAlreadyExists(f"a different blob is already stored under {key!r}")
        return digest


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> int | None:
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _content_type(object_key: str) -> str:
    return "application/pdf" if object_key.endswith(".pdf") else "application/octet-stream"
