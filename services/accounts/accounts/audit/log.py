"""Append to the audit log inside the caller's transaction; one writer at a time extends the hash chain."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accounts.audit.models import CHAIN_HEAD_ID, AuditChainHead, AuditEntry
from accounts.domain.audit_chain import ChainEntry, entry_hash

SUCCESS = "success"
FAILURE = "failure"
REFUSED = "refused"


def entry_content(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: str | None,
    action: str,
    target: str | None,
    outcome: str,
    client: str | None,
    detail: dict[str, Any] | None,
) -> dict[str, Any]:
    """The fields an entry's hash covers, in a form that reads back identically from the database."""
    return {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "action": action,
        "target": target,
        "outcome": outcome,
        "client": client,
        "detail": detail,
    }


def record(
    session: Session,
    *,
    actor_id: str | None,
    action: str,
    target: str | None,
    outcome: str,
    client: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one entry in the caller's transaction (committed or rolled back with it)."""
    # Updating the head first takes its row lock (PostgreSQL) or the write lock (SQLite) before reading it,
    # so concurrent appends queue up and each sees the hash its predecessor committed.
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == CHAIN_HEAD_ID)
        .values(last_sequence=AuditChainHead.last_sequence + 1)
        .execution_options(synchronize_session=False)
    )
    head = session.execute(
        select(AuditChainHead.last_sequence, AuditChainHead.last_hash).where(AuditChainHead.id == CHAIN_HEAD_ID)
    ).one()
    # Stored detail reads back from JSON; hash exactly what will be read back.
    stored_detail = None if detail is None else json.loads(json.dumps(detail, default=str))
    occurred_at = datetime.now(UTC)
    content = entry_content(
        sequence=head.last_sequence,
        occurred_at=occurred_at,
        actor_id=actor_id,
        action=action,
        target=target,
        outcome=outcome,
        client=client,
        detail=stored_detail,
    )
    digest = entry_hash(head.last_hash, content)
    session.add(
        AuditEntry(
            sequence=head.last_sequence,
            occurred_at=occurred_at,
            actor_id=actor_id,
            action=action,
            target=target,
            outcome=outcome,
            client=client,
            detail=stored_detail,
            previous_hash=head.last_hash,
            hash=digest,
        )
    )
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == CHAIN_HEAD_ID)
        .values(last_hash=digest)
        .execution_options(synchronize_session=False)
    )
    session.flush()


def chain_entry(entry: AuditEntry) -> ChainEntry:
    """A stored entry as the chain verifier reads it."""
    return ChainEntry(
        sequence=entry.sequence,
        content=entry_content(
            sequence=entry.sequence,
            occurred_at=entry.occurred_at,
            actor_id=entry.actor_id,
            action=entry.action,
            target=entry.target,
            outcome=entry.outcome,
            client=entry.client,
            detail=entry.detail,
        ),
        previous_hash=entry.previous_hash,
        hash=entry.hash,
    )
