"""Reading accounts: an entity's statement of account and the receivables report, as of a day."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fees import ledger
from fees.csv_text import cell, csv_document, dollars
from fees.domain.aging import AGING_BUCKETS, Receivables, aging_of, bucket_of, days_past_due
from fees.handlers import fine_amount
from fees.models import Entity, LateFilingFine, LedgerEntry

UNKNOWN_TYPE = "unknown"
"""The entity type of an account whose entity fees has not seen registered (a fine reported first)."""


def _actor(entry: LedgerEntry, for_staff: bool) -> str:
    # Filers see that staff acted, not which member of staff.
    return f"{entry.actor_kind}:{entry.actor_id}" if for_staff else entry.actor_kind


def statement(session: Session, entity_id: str, as_of: date, *, for_staff: bool) -> dict[str, Any] | None:
    """The entity's statement of account as of the end of `as_of`; None when fees knows nothing of it."""
    entity = session.get(Entity, entity_id)
    rows = [row for row in ledger.entries_of(session, entity_id) if row.effective_on <= as_of]
    fines = list(
        session.scalars(
            select(LateFilingFine).where(LateFilingFine.entity_id == entity_id).order_by(LateFilingFine.due_on)
        )
    )
    if entity is None and not rows and not fines:
        return None
    account = ledger.account_from(rows)
    running = 0
    entries = []
    for row in rows:
        running += row.amount_cents
        entries.append(
            {
                "entry_id": row.id,
                "effective_on": row.effective_on,
                "recorded_at": row.recorded_at,
                "kind": row.kind,
                "description": row.description,
                "amount_cents": row.amount_cents,
                "balance_cents": running,
                "item_id": row.item_id,
                "due_on": row.due_on,
                "fee_year": row.fee_year,
                "form": row.form,
                "period_start": row.period_start,
                "period_end": row.period_end,
                "filing_id": row.filing_id,
                "reverses_entry_id": row.reverses_id,
                "reason": row.reason,
                "actor": _actor(row, for_staff),
            }
        )
    items = [
        {
            "item_id": item.item_id,
            "kind": item.kind,
            "description": item.description,
            "due_on": item.due_on,
            "charged_cents": max(item.charged_cents, 0),
            "paid_cents": item.applied_cents,
            "open_cents": item.open_cents,
            "days_past_due": max(days_past_due(item.due_on, as_of), 0),
            "aging": bucket_of(item.due_on, as_of).key if item.open_cents > 0 else None,
        }
        for item in account.items
    ]
    return {
        "entity": {
            "entity_id": entity_id,
            "name": entity.name if entity else fines[0].entity_name if fines else entity_id,
            "entity_type": entity.entity_type if entity else UNKNOWN_TYPE,
            "registered_on": entity.registered_on if entity else None,
            "terminated_on": entity.terminated_on if entity else None,
        },
        "as_of": as_of,
        "balance_cents": account.balance_cents,
        "open_cents": sum(item.open_cents for item in account.items),
        "unapplied_credit_cents": account.unapplied_credit_cents,
        "aging": aging_of(account, as_of),
        "items": items,
        "entries": entries,
        "late_filing_fines": [_fine(fine) for fine in fines],
    }


def _fine(fine: LateFilingFine) -> dict[str, Any]:
    amount = fine_amount(fine)
    return {
        "item_id": fine.item_id,
        "form": fine.form,
        "form_name": fine.form_name,
        "period_start": fine.period_start,
        "period_end": fine.period_end,
        "deadline": fine.due_on,
        "days_late": fine.days_late,
        "filing_id": fine.filing_id,
        "filed_on": fine.filed_on,
        "status": fine.status,
        "fine_cents": fine.accrued_cents,
        "cap_cents": amount.cap_cents,
        "cap_basis": str(amount.cap_basis),
        "notice_sent_on": fine.notice_sent_on,
    }


STATEMENT_COLUMNS = (
    "effective_on",
    "entry_id",
    "kind",
    "description",
    "amount_usd",
    "balance_usd",
    "item_id",
    "due_on",
    "actor",
    "reason",
)


def statement_csv(view: dict[str, Any]) -> str:
    """The statement's entries, one a row, with the running balance."""
    return csv_document(
        STATEMENT_COLUMNS,
        (
            (
                entry["effective_on"].isoformat(),
                entry["entry_id"],
                entry["kind"],
                cell(entry["description"]),
                dollars(entry["amount_cents"]),
                dollars(entry["balance_cents"]),
                cell(entry["item_id"]),
                entry["due_on"].isoformat() if entry["due_on"] else "",
                cell(entry["actor"]),
                cell(entry["reason"]),
            )
            for entry in view["entries"]
        ),
    )


def receivables(session: Session, as_of: date) -> Receivables:
    """What every entity owes as of the end of `as_of`, aged, by entity type (entries streamed by entity)."""
    types = dict(session.execute(select(Entity.entity_id, Entity.entity_type)).all())
    rows = session.execute(
        select(
            LedgerEntry.entity_id,
            LedgerEntry.seq,
            LedgerEntry.id,
            LedgerEntry.kind,
            LedgerEntry.amount_cents,
            LedgerEntry.item_id,
            LedgerEntry.effective_on,
            LedgerEntry.due_on,
            LedgerEntry.description,
        )
        .where(LedgerEntry.effective_on <= as_of)
        .order_by(LedgerEntry.entity_id, LedgerEntry.seq)
        .execution_options(yield_per=5000)
    )
    report = Receivables(as_of)
    for entity_id, entries in itertools.groupby(rows, key=lambda row: row.entity_id):
        report.add(types.get(entity_id, UNKNOWN_TYPE), ledger.account_from(entries))
    return report


def receivables_view(report: Receivables) -> dict[str, Any]:
    """The receivables report as the API answers it (ReceivablesOut)."""

    def line(line: Any) -> dict[str, Any]:
        return {
            "entity_type": line.entity_type,
            "entities_owing": line.entities_owing,
            "by_bucket": dict(line.by_bucket),
            "open_cents": line.open_cents,
            "entities_in_credit": line.entities_in_credit,
            "credit_cents": line.credit_cents,
        }

    return {
        "as_of": report.as_of,
        "buckets": [{"key": bucket.key, "label": bucket.label} for bucket in AGING_BUCKETS],
        "lines": [line(entry) for entry in report.sorted_lines()],
        "total": line(report.total),
    }


def receivables_csv(report: Receivables) -> str:
    """One row per entity type and a total row: entities owing, open amounts by aging bucket, credit held."""
    header = (
        "entity_type",
        "entities_owing",
        *(f"{bucket.key}_usd" for bucket in AGING_BUCKETS),
        "open_usd",
        "entities_in_credit",
        "credit_usd",
    )
    return csv_document(
        header,
        (
            (
                line.entity_type,
                line.entities_owing,
                *(dollars(line.by_bucket[bucket.key]) for bucket in AGING_BUCKETS),
                dollars(line.open_cents),
                line.entities_in_credit,
                dollars(line.credit_cents),
            )
            for line in (*report.sorted_lines(), report.total)
        ),
    )
