import hashlib
import os
import stat
import threading
import uuid

import pytest
from botocore.awsrequest import AWSResponse
from moto.server import ThreadedMotoServer

from correspondence.blob_store import (
    BlobAlreadyExists,
    BlobCorrupted,
    BlobNotFound,
    InvalidBlobKey,
    LocalBlobStore,
    blob_dir,
    configured_blob_store,
)
from correspondence.blob_store_s3 import InvalidBlobStoreUrl, S3BlobStore, S3Location, s3_client

# Test credentials for the in-process S3 server, which accepts any.
ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION = "cars-test", "cars-test-secret", "us-west-1"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3-compatible server (moto) on a free local port, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def s3(s3_endpoint):
    """One client of the S3 server for the module (a client takes a while to build)."""
    return s3_client(
        endpoint_url=s3_endpoint, region=REGION, access_key_id=ACCESS_KEY_ID, secret_access_key=SECRET_ACCESS_KEY
    )


@pytest.fixture
def s3_bucket(s3):
    """A fresh, empty bucket on the S3 server; yields (client, bucket name)."""
    client = s3
    bucket = f"cars-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return client, bucket


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """Each blob store kind in turn: the same contract holds for both."""
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    client, bucket = request.getfixturevalue("s3_bucket")
    return S3BlobStore(client, bucket, prefix="cars/blobs")


# --- the contract every blob store keeps ----------------------------------------------------------------------


def test_put_returns_sha256_and_get_returns_the_same_bytes(store):
    digest = store.put("correspondence/2026/a.pdf", b"%PDF-1.4 notice")
    assert digest == hashlib.sha256(b"%PDF-1.4 notice").hexdigest()
    assert store.get("correspondence/2026/a.pdf") == b"%PDF-1.4 notice"


def test_a_different_content_under_an_existing_key_is_refused(store):
    store.put("a.pdf", b"first")
    with pytest.raises(BlobAlreadyExists):
        store.put("a.pdf", b"second")
    assert store.get("a.pdf") == b"first"


def test_putting_the_same_content_again_is_harmless(store):
    first = store.put("a.pdf", b"same")
    assert store.put("a.pdf", b"same") == first
    assert store.get("a.pdf") == b"same"


def test_concurrent_writers_of_one_key_leave_exactly_one_complete_blob(store):
    contents = [bytes([n]) * 200_000 for n in range(8)]
    outcomes = []

    def write(data):
        try:
            store.put("race.pdf", data)
            outcomes.append("stored")
        except BlobAlreadyExists:
            outcomes.append("refused")

    threads = [threading.Thread(target=write, args=(data,)) for data in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("stored") == 1
    assert outcomes.count("refused") == len(contents) - 1
    assert store.get("race.pdf") in contents


def test_missing_key_is_not_found(store):
    with pytest.raises(BlobNotFound):
        store.get("nothing.pdf")


@pytest.mark.parametrize(
    "key", ["../escape.pdf", "/absolute.pdf", "a/../../b.pdf", "a//b.pdf", "", "a/./b", "sp ace.pdf"]
)
def test_keys_cannot_escape_the_store(store, key):
    with pytest.raises(InvalidBlobKey):
        store.put(key, b"x")
    with pytest.raises(InvalidBlobKey):
        store.get(key)


# --- the local store -------------------------------------------------------------------------------------------


@pytest.fixture
def local_store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


def test_stored_blobs_are_read_only_files(local_store):
    local_store.put("a.pdf", b"content")
    mode = stat.S_IMODE(os.stat(local_store.path_of("a.pdf")).st_mode)
    assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0


def test_write_leaves_no_temporary_files_behind(local_store):
    local_store.put("x/a.pdf", b"content")
    with pytest.raises(BlobAlreadyExists):
        local_store.put("x/a.pdf", b"other")
    assert sorted(path.name for path in (local_store.root / "x").iterdir()) == ["a.pdf"]


def test_a_failed_write_publishes_nothing(local_store, monkeypatch):
    def disk_full(_descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        local_store.put("x/a.pdf", b"content")
    assert list((local_store.root / "x").iterdir()) == []
    with pytest.raises(BlobNotFound):
        local_store.get("x/a.pdf")


def test_blob_dir_is_configured_else_under_var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BLOB_DIR", raising=False)
    assert blob_dir() == tmp_path / "var" / "blobs"
    monkeypatch.setenv("BLOB_DIR", str(tmp_path / "elsewhere"))
    assert blob_dir() == tmp_path / "elsewhere"


# --- the S3 store ----------------------------------------------------------------------------------------------


def test_an_s3_blob_is_kept_under_the_prefix_with_its_sha256_and_content_type(s3_bucket):
    client, bucket = s3_bucket
    digest = S3BlobStore(client, bucket, prefix="cars/blobs").put("correspondence/2026/a.pdf", b"%PDF-1.4")
    head = client.head_object(Bucket=bucket, Key="cars/blobs/correspondence/2026/a.pdf")
    assert head["Metadata"] == {"sha256": digest}
    assert head["ContentType"] == "application/pdf"


def test_an_s3_object_changed_behind_the_stores_back_fails_its_check_on_read(s3_bucket):
    client, bucket = s3_bucket
    store = S3BlobStore(client, bucket)
    digest = store.put("a.pdf", b"the notice as issued")
    client.put_object(Bucket=bucket, Key="a.pdf", Body=b"a forged notice", Metadata={"sha256": digest})
    with pytest.raises(BlobCorrupted):
        store.get("a.pdf")


def test_a_server_without_conditional_writes_still_never_overwrites(s3_bucket):
    client, bucket = s3_bucket
    conditional_puts = []

    def refuse_conditions(request, **_):
        # As a server that does not implement If-None-Match on PUT answers.
        if request.headers.get("If-None-Match"):
            conditional_puts.append(request.url)
            body = b"<Error><Code>NotImplemented</Code><Message>If-None-Match</Message></Error>"
            return AWSResponse(request.url, 501, {"Content-Type": "application/xml"}, _Raw(body))
        return None

    client.meta.events.register("before-send.s3.PutObject", refuse_conditions)
    try:
        store = S3BlobStore(client, bucket)
        store.put("a.pdf", b"first")
        assert store.conditional_writes is False
        with pytest.raises(BlobAlreadyExists):
            store.put("a.pdf", b"second")
        assert store.put("a.pdf", b"first") == hashlib.sha256(b"first").hexdigest()
    finally:
        client.meta.events.unregister("before-send.s3.PutObject", refuse_conditions)
    assert store.get("a.pdf") == b"first"
    assert len(conditional_puts) == 1


class _Raw:
    """The raw body botocore reads a response from."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body


def test_blob_store_url_selects_s3_with_its_endpoint_and_credentials(s3_bucket, s3_endpoint, monkeypatch):
    _, bucket = s3_bucket
    monkeypatch.setenv("BLOB_STORE_URL", f"s3://{bucket}/letters")
    monkeypatch.setenv("S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("S3_REGION", REGION)
    monkeypatch.setenv("S3_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    store = configured_blob_store()
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix) == (bucket, "letters")
    store.put("a.pdf", b"content")
    assert store.get("a.pdf") == b"content"


def test_an_empty_blob_store_url_keeps_blobs_in_blob_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("BLOB_STORE_URL", raising=False)
    monkeypatch.setenv("BLOB_DIR", str(tmp_path / "blobs"))
    store = configured_blob_store()
    assert isinstance(store, LocalBlobStore) and store.root == tmp_path / "blobs"


@pytest.mark.parametrize(
    ("url", "location"),
    [("s3://pdfs", S3Location("pdfs", "")), ("s3://pdfs/cars/letters/", S3Location("pdfs", "cars/letters"))],
)
def test_blob_store_url_names_a_bucket_and_a_prefix(url, location):
    assert S3Location.from_url(url) == location


@pytest.mark.parametrize("url", ["http://pdfs/cars", "s3:///prefix-only", "s3://pdfs/x?versionId=1"])
def test_a_blob_store_url_that_is_not_s3_bucket_prefix_is_refused(url):
    with pytest.raises(InvalidBlobStoreUrl):
        S3Location.from_url(url)
