"""The audit log's hash chain: each entry's hash covers its content and the previous entry's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def canonical(content: Mapping[str, Any]) -> str:
    """One text for the same content, whatever the key order (the bytes the hash covers)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(previous_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's canonical content."""
    return hashlib.sha256(f"{previous_hash}\n{canonical(content)}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    """One stored entry as the verifier sees it."""

    sequence: int
    content: Mapping[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class ChainVerdict:
    """Whether the chain is intact; if not, the first entry that breaks it and why."""

    intact: bool
    entries_checked: int
    broken_at: int | None = None
    reason: str | None = None


def verify_chain(entries: Iterable[ChainEntry], head_hash: str | None = None) -> ChainVerdict:
    """Walk entries in sequence order; any edit, removal or reordering breaks a link."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for entry in entries:
        if entry.sequence != expected_sequence:
            return ChainVerdict(False, checked, entry.sequence, "an entry is missing before this one")
        if entry.previous_hash != expected_previous:
            return ChainVerdict(False, checked, entry.sequence, "the previous-hash link does not match")
        if entry_hash(entry.previous_hash, entry.content) != entry.hash:
            return ChainVerdict(False, checked, entry.sequence, "the content does not match its hash")
        expected_previous = entry.hash
        expected_sequence += 1
        checked += 1
    if head_hash is not None and head_hash != expected_previous:
        return ChainVerdict(False, checked, expected_sequence, "entries after this point were removed")
    return ChainVerdict(True, checked)
