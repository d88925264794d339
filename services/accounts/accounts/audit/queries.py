"""Reading the audit log: filtered keyset pages, CSV export and chain verification."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from accounts.audit.log import chain_entry
from accounts.audit.models import CHAIN_HEAD_ID, AuditChainHead, AuditEntry
from accounts.domain.audit_chain import ChainVerdict, verify_chain

EXPORT_BATCH = 1000
CSV_COLUMNS = ("sequence", "occurred_at", "actor_id", "action", "target", "outcome", "client", "detail", "hash")


def _filtered(filters: dict[str, Any]) -> Select:
    query = select(AuditEntry)
    for name in ("actor_id", "action", "target"):
        if filters.get(name):
            query = query.where(getattr(AuditEntry, name) == filters[name])
    if filters.get("since"):
        query = query.where(AuditEntry.occurred_at >= filters["since"])
    if filters.get("until"):
        query = query.where(AuditEntry.occurred_at < filters["until"])
    return query


def page(session: Session, filters: dict[str, Any], before: int | None, limit: int) -> dict[str, Any]:
    """Newest entries first, `limit` at a time; `next_before` continues where this page ends."""
    query = _filtered(filters)
    if before is not None:
        query = query.where(AuditEntry.sequence < before)
    entries = list(session.scalars(query.order_by(AuditEntry.sequence.desc()).limit(limit + 1)))
    more = len(entries) > limit
    entries = entries[:limit]
    return {"items": entries, "next_before": entries[-1].sequence if more else None}


def csv_lines(session: Session, filters: dict[str, Any]) -> Iterator[str]:
    """The matching entries, oldest first, as CSV text in batches read by keyset."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    after = 0
    while True:
        batch = list(
            session.scalars(
                _filtered(filters).where(AuditEntry.sequence > after).order_by(AuditEntry.sequence).limit(EXPORT_BATCH)
            )
        )
        for entry in batch:
            writer.writerow(
                [
                    entry.sequence,
                    entry.occurred_at.isoformat(),
                    entry.actor_id or "",
                    entry.action,
                    entry.target or "",
                    entry.outcome,
                    entry.client or "",
                    "" if entry.detail is None else json.dumps(entry.detail, sort_keys=True),
                    entry.hash,
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(batch) < EXPORT_BATCH:
            return
        after = batch[-1].sequence


def verify(session: Session) -> ChainVerdict:
    """Re-hash every entry in order and compare with the stored links and the chain head."""

    def entries() -> Iterator[Any]:
        after = 0
        while True:
            batch = list(
                session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.sequence > after)
                    .order_by(AuditEntry.sequence)
                    .limit(EXPORT_BATCH)
                )
            )
            yield from (chain_entry(entry) for entry in batch)
            if len(batch) < EXPORT_BATCH:
                return
            after = batch[-1].sequence
            session.expunge_all()

    head_hash = session.scalar(select(AuditChainHead.last_hash).where(AuditChainHead.id == CHAIN_HEAD_ID))
    return verify_chain(entries(), head_hash)
