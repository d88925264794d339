"""Correspondence use cases: load, apply the rules, save, and queue events, in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.config import PORTAL_URL
from cars_shared.events import make_event
from correspondence.blob_store import BlobNotFound, BlobStore, sha256_of
from correspondence.domain.access import Reader, may_read
from correspondence.domain.annual_fee_notice import KIND, AnnualFeeNotice, cause_of_fee_assessment
from correspondence.domain.numbering import correspondence_number
from correspondence.models import Correspondence, CorrespondenceCounter, EntityAccess
from correspondence.pdf.annual_fee_notice import TEMPLATE_VERSION, render_annual_fee_notice

# Letters are dated, and numbered by year, in the Division's own time zone.
OFFICE_TIME_ZONE = ZoneInfo("America/Los_Angeles")


class DocumentUnavailable(Exception):
    """The stored PDF is missing or no longer matches the SHA-256 recorded when it was issued."""


def next_number(session: Session, year: int) -> str:
    """The next correspondence number of `year`; the counter row is locked until the transaction ends."""
    sequence = session.scalar(
        update(CorrespondenceCounter)
        .where(CorrespondenceCounter.year == year)
        .values(last_sequence=CorrespondenceCounter.last_sequence + 1)
        .returning(CorrespondenceCounter.last_sequence)
    )
    if sequence is None:
        # First number of the year; a concurrent first insert fails on the key and the event is retried.
        session.execute(insert(CorrespondenceCounter).values(year=year, last_sequence=1))
        sequence = 1
    return correspondence_number(year, sequence)


def issue_annual_fee_notice(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence:
    """Render, store and record the notice of a fee assessment, once per assessment."""
    fee = event["payload"]
    cause = cause_of_fee_assessment(fee["assessment_id"])
    existing = session.scalar(select(Correspondence).where(Correspondence.cause == cause))
    if existing is not None:
        return existing
    issued_at = datetime.now(UTC)
    issued_on = issued_at.astimezone(OFFICE_TIME_ZONE).date()
    notice = AnnualFeeNotice(
        number=next_number(session, issued_on.year),
        issued_on=issued_on,
        entity_id=fee["entity_id"],
        entity_name=fee["entity_name"],
        fee_year=fee["fee_year"],
        amount_cents=fee["amount_cents"],
        due_date=fee["due_date"],
        late_penalty_cents=fee["late_penalty_cents"],
        portal_url=PORTAL_URL.get(),
    )
    correspondence_id = str(uuid.uuid4())
    document = render_annual_fee_notice(notice)
    # The blob is written before the record commits, so a record never points at a missing PDF.
    blob_key = f"correspondence/{issued_on.year}/{correspondence_id}.pdf"
    digest = blobs.put(blob_key, document)
    correspondence = Correspondence(
        id=correspondence_id,
        number=notice.number,
        kind=KIND,
        title=notice.title,
        entity_id=notice.entity_id,
        user_id=None,
        template_version=TEMPLATE_VERSION,
        blob_key=blob_key,
        sha256=digest,
        size=len(document),
        cause=cause,
        issued_at=issued_at,
    )
    session.add(correspondence)
    outbox.add(
        session,
        make_event(
            "correspondence",
            "correspondence_issued",
            {
                "correspondence_id": correspondence.id,
                "number": correspondence.number,
                "kind": correspondence.kind,
                "title": correspondence.title,
                "entity_id": correspondence.entity_id,
                "user_id": correspondence.user_id,
                "issued_at": correspondence.issued_at,
            },
        ),
    )
    return correspondence


def grant_entity_access(session: Session, event: dict[str, Any]) -> EntityAccess:
    """Record that a user may read an entity's correspondence; a repeated approval updates the role."""
    link = event["payload"]
    access = session.get(EntityAccess, (link["user_id"], link["entity_id"]))
    if access is None:
        access = EntityAccess(user_id=link["user_id"], entity_id=link["entity_id"], granted_at=datetime.now(UTC))
        session.add(access)
    access.role = link["role"]
    return access


def withdraw_entity_access(session: Session, event: dict[str, Any]) -> None:
    """Project accounts' revoked link: the user no longer reads the entity's correspondence."""
    link = event["payload"]
    access = session.get(EntityAccess, (link["user_id"], link["entity_id"]))
    if access is not None:
        session.delete(access)


def reader_of(session: Session, user_id: str, roles: tuple[str, ...]) -> Reader:
    """The caller with the entities they are linked to."""
    entity_ids = session.scalars(select(EntityAccess.entity_id).where(EntityAccess.user_id == user_id))
    return Reader(user_id=user_id, roles=roles, entity_ids=frozenset(entity_ids))


def readable_by(session: Session, reader: Reader, limit: int) -> list[Correspondence]:
    """What `reader` may read, newest first (the SQL form of `may_read`)."""
    query = select(Correspondence)
    if not reader.is_staff:
        query = query.where(
            or_(Correspondence.user_id == reader.user_id, Correspondence.entity_id.in_(sorted(reader.entity_ids)))
        )
    query = query.order_by(Correspondence.issued_at.desc(), Correspondence.number.desc()).limit(limit)
    return list(session.scalars(query))


def find_readable(session: Session, reader: Reader, correspondence_id: str) -> Correspondence | None:
    """The correspondence if it exists and `reader` may read it; None otherwise, so existence is not revealed."""
    correspondence = session.get(Correspondence, correspondence_id)
    if correspondence is None or not may_read(reader, correspondence.user_id, correspondence.entity_id):
        return None
    return correspondence


def document_of(correspondence: Correspondence, blobs: BlobStore) -> bytes:
    """The PDF of the correspondence, checked against the SHA-256 recorded when it was issued."""
    try:
        document = blobs.get(correspondence.blob_key)
    except BlobNotFound as missing:
        raise DocumentUnavailable(f"the PDF of {correspondence.number} is missing") from missing
    if sha256_of(document) != correspondence.sha256:
        raise DocumentUnavailable(f"the PDF of {correspondence.number} fails its integrity check")
    return document
