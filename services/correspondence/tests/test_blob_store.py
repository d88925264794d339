import hashlib
import os
import stat
import threading

import pytest

from correspondence.blob_store import BlobAlreadyExists, BlobNotFound, InvalidBlobKey, LocalBlobStore, blob_dir


@pytest.fixture
def store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


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


def test_stored_blobs_are_read_only_files(store):
    store.put("a.pdf", b"content")
    mode = stat.S_IMODE(os.stat(store.path_of("a.pdf")).st_mode)
    assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0


def test_write_leaves_no_temporary_files_behind(store):
    store.put("x/a.pdf", b"content")
    with pytest.raises(BlobAlreadyExists):
        store.put("x/a.pdf", b"other")
    assert sorted(path.name for path in (store.root / "x").iterdir()) == ["a.pdf"]


def test_a_failed_write_publishes_nothing(store, monkeypatch):
    def disk_full(_descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.put("x/a.pdf", b"content")
    assert list((store.root / "x").iterdir()) == []
    with pytest.raises(BlobNotFound):
        store.get("x/a.pdf")


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
    assert store.get("race.pdf") in contents


def test_missing_key_is_not_found(store):
    with pytest.raises(BlobNotFound):
        store.get("nothing.pdf")


@pytest.mark.parametrize(
    "key", ["../escape.pdf", "/absolute.pdf", "a/../../b.pdf", "a//b.pdf", "", "a/./b", "sp ace.pdf"]
)
def test_keys_cannot_escape_the_store_folder(store, key):
    with pytest.raises(InvalidBlobKey):
        store.put(key, b"x")


def test_blob_dir_is_configured_else_under_var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BLOB_DIR", raising=False)
    assert blob_dir() == tmp_path / "var" / "blobs"
    monkeypatch.setenv("BLOB_DIR", str(tmp_path / "elsewhere"))
    assert blob_dir() == tmp_path / "elsewhere"
