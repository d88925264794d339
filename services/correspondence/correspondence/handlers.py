"""Correspondence use cases: load, apply the rules, save, and queue events, in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.config import PORTAL_URL
from cars_shared.events import make_event
from correspondence.blob_store import BlobCorrupted, BlobNotFound, BlobStore, sha256_of
from correspondence.domain import (
    annual_fee_notice,
    compliance_letter,
    filing_receipt,
    late_filing_notice,
    link_approval,
    payment_receipt,
    penalty_notice,
    vendor_certification,
    waiver_decision,
)
from correspondence.domain.access import Reader, may_read
from correspondence.domain.annual_fee_notice import AnnualFeeNotice
from correspondence.domain.compliance_letter import ComplianceLetter
from correspondence.domain.filing_receipt import FilingReceipt
from correspondence.domain.late_filing_notice import LateFilingNotice
from correspondence.domain.link_approval import LinkApproval
from correspondence.domain.numbering import correspondence_number
from correspondence.domain.payment_receipt import PaymentReceipt
from correspondence.domain.penalty_notice import PenaltyNotice
from correspondence.domain.vendor_certification import VendorCertification, VendorCertificationWithdrawal
from correspondence.domain.waiver_decision import WaiverDecision
from correspondence.models import (
    Correspondence,
    CorrespondenceCounter,
    CorrespondenceRead,
    EntityAccess,
    EntityName,
    StaffActionLogEntry,
)
from correspondence.pdf import annual_fee_notice as pdf_annual_fee_notice
from correspondence.pdf import compliance_letter as pdf_compliance_letter
from correspondence.pdf import filing_receipt as pdf_filing_receipt
from correspondence.pdf import late_filing_notice as pdf_late_filing_notice
from correspondence.pdf import link_approval as pdf_link_approval
from correspondence.pdf import payment_receipt as pdf_payment_receipt
from correspondence.pdf import penalty_notice as pdf_penalty_notice
from correspondence.pdf import vendor_certification as pdf_vendor_certification
from correspondence.pdf import waiver_decision as pdf_waiver_decision

# Letters are dated, and numbered by year, in the Division's own time zone.
OFFICE_TIME_ZONE = ZoneInfo("America/Los_Angeles")
# What the staff action log calls an ad hoc letter issued by staff.
COMPLIANCE_LETTER_ISSUED = "compliance_letter.issued"


class DocumentUnavailable(Exception):
    """The stored PDF is missing or no longer matches the SHA-256 recorded when it was issued."""


def next_number(session: Session, year: int) -> str:
    """The next correspondence number of `year`; the counter row is locked until the transaction ends."""
    return next_numbers(session, year, 1)[0]


def next_numbers(session: Session, year: int, count: int) -> list[str]:
    """The next `count` correspondence numbers of `year`, in one statement; the counter row stays locked."""
    counting = (
        update(CorrespondenceCounter)
        .where(CorrespondenceCounter.year == year)
        .values(last_sequence=CorrespondenceCounter.last_sequence + count)
        .returning(CorrespondenceCounter.last_sequence)
    )
    last = session.scalar(counting)
    if last is None:
        # The year's first numbers: concurrent batches (the yearly run) all get here, so the counter row is
        # created by whichever comes first and the others wait for it rather than fail on its key.
        first_of_year = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[session.get_bind().dialect.name]
        session.execute(
            first_of_year(CorrespondenceCounter).values(year=year, last_sequence=0).on_conflict_do_nothing()
        )
        last = session.scalar(counting)
    return [correspondence_number(year, sequence) for sequence in range(last - count + 1, last + 1)]


@dataclass(frozen=True)
class Template:
    """A kind of correspondence and the template version that renders it."""

    kind: str
    version: str
    render: Callable[[Any], bytes]


# The template each kind is issued with now; a new version applies to letters issued after it.
ANNUAL_FEE_NOTICE = Template(
    annual_fee_notice.KIND, pdf_annual_fee_notice.TEMPLATE_VERSION, pdf_annual_fee_notice.render_annual_fee_notice
)
PENALTY_NOTICE = Template(
    penalty_notice.KIND, pdf_penalty_notice.TEMPLATE_VERSION, pdf_penalty_notice.render_penalty_notice
)
LATE_FILING_NOTICE = Template(
    late_filing_notice.KIND, pdf_late_filing_notice.TEMPLATE_VERSION, pdf_late_filing_notice.render_late_filing_notice
)
PAYMENT_RECEIPT = Template(
    payment_receipt.KIND, pdf_payment_receipt.TEMPLATE_VERSION, pdf_payment_receipt.render_payment_receipt
)
FILING_RECEIPT = Template(
    filing_receipt.KIND, pdf_filing_receipt.TEMPLATE_VERSION, pdf_filing_receipt.render_filing_receipt
)
WAIVER_DECISION = Template(
    waiver_decision.KIND, pdf_waiver_decision.TEMPLATE_VERSION, pdf_waiver_decision.render_waiver_decision
)
COMPLIANCE_LETTER = Template(
    compliance_letter.KIND, pdf_compliance_letter.TEMPLATE_VERSION, pdf_compliance_letter.render_compliance_letter
)
LINK_APPROVAL = Template(link_approval.KIND, pdf_link_approval.TEMPLATE_VERSION, pdf_link_approval.render_link_approval)
VENDOR_CERTIFICATION = Template(
    vendor_certification.KIND,
    pdf_vendor_certification.TEMPLATE_VERSION,
    pdf_vendor_certification.render_vendor_certification,
)
VENDOR_CERTIFICATION_WITHDRAWAL = Template(
    vendor_certification.WITHDRAWAL_KIND,
    pdf_vendor_certification.WITHDRAWAL_TEMPLATE_VERSION,
    pdf_vendor_certification.render_vendor_certification_withdrawal,
)


def issue(
    session: Session,
    blobs: BlobStore,
    *,
    cause: str,
    template: Template,
    entity_id: str | None,
    compose: Callable[[str, date], Any],
    user_id: str | None = None,
) -> Correspondence:
    """Compose, render, store and record one notice, once per cause; queue correspondence_issued.

    It is addressed to an entity (every person linked to it reads it) or, with `user_id`, to that person alone.
    `compose(number, issued_on)` gives the notice's wording. A cause already recorded returns its correspondence
    untouched: issued correspondence is never rendered again.
    """
    existing = session.scalar(select(Correspondence).where(Correspondence.cause == cause))
    if existing is not None:
        return existing
    issued_at = datetime.now(UTC)
    issued_on = issued_at.astimezone(OFFICE_TIME_ZONE).date()
    notice = compose(next_number(session, issued_on.year), issued_on)
    correspondence_id = str(uuid.uuid4())
    document = template.render(notice)
    # The blob is written before the record commits, so a record never points at a missing PDF.
    blob_key = f"correspondence/{issued_on.year}/{correspondence_id}.pdf"
    digest = blobs.put(blob_key, document)
    correspondence = Correspondence(
        id=correspondence_id,
        number=notice.number,
        kind=template.kind,
        title=notice.title,
        entity_id=entity_id,
        user_id=user_id,
        template_version=template.version,
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


def remember_entity_name(session: Session, entity_id: str, name: str) -> None:
    """Keep the latest name an event gave the entity, for letters whose cause carries only its ID."""
    known = session.get(EntityName, entity_id)
    if known is None:
        session.add(EntityName(entity_id=entity_id, name=name, updated_at=datetime.now(UTC)))
    elif known.name != name:
        known.name, known.updated_at = name, datetime.now(UTC)


def project_entity_name(session: Session, event: dict[str, Any]) -> None:
    """Project filings' registration or its amendment: the name letters to the entity are addressed to."""
    entity = event["payload"]
    remember_entity_name(session, entity["entity_id"], entity["name"])


def entity_name_of(session: Session, entity_id: str) -> str | None:
    """The entity's name as last heard, or None if no event has named it yet."""
    known = session.get(EntityName, entity_id)
    return None if known is None else known.name


def issue_annual_fee_notice(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence:
    """Render, store and record the notice of a fee assessment at once, once per assessment. The worker records
    these for its render processes instead (`rendering.record_annual_fee_notices`); both say the same."""
    fee = event["payload"]
    remember_entity_name(session, fee["entity_id"], fee["entity_name"])
    content = AnnualFeeNotice.content_of(fee, PORTAL_URL.get())
    return issue(
        session,
        blobs,
        cause=annual_fee_notice.cause_of_fee_assessment(fee["assessment_id"]),
        template=ANNUAL_FEE_NOTICE,
        entity_id=fee["entity_id"],
        compose=lambda number, issued_on: AnnualFeeNotice.from_content(number, issued_on, content),
    )


def issue_penalty_notice(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence:
    """Tell the entity about the late payment penalty charged on its annual fee, once per penalty entry."""
    penalty = event["payload"]
    remember_entity_name(session, penalty["entity_id"], penalty["entity_name"])
    return issue(
        session,
        blobs,
        cause=penalty_notice.cause_of_penalty(penalty["entry_id"]),
        template=PENALTY_NOTICE,
        entity_id=penalty["entity_id"],
        compose=lambda number, issued_on: PenaltyNotice(
            number=number,
            issued_on=issued_on,
            entity_id=penalty["entity_id"],
            entity_name=penalty["entity_name"],
            fee_year=penalty["fee_year"],
            fee_due_date=penalty["fee_due_date"],
            penalty_cents=penalty["amount_cents"],
            due_date=penalty["due_date"],
            portal_url=PORTAL_URL.get(),
        ),
    )


def issue_late_filing_notice(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence | None:
    """Write to the entity when a late filing fine opens and when it becomes final; a day's accrual is silent."""
    fine = event["payload"]
    remember_entity_name(session, fine["entity_id"], fine["entity_name"])
    if not late_filing_notice.warrants_notice(fine["entry_id"], fine["item_id"], fine["final"]):
        return None
    return issue(
        session,
        blobs,
        cause=late_filing_notice.cause_of_fine_entry(fine["entry_id"]),
        template=LATE_FILING_NOTICE,
        entity_id=fine["entity_id"],
        compose=lambda number, issued_on: LateFilingNotice(
            number=number,
            issued_on=issued_on,
            entity_id=fine["entity_id"],
            entity_name=fine["entity_name"],
            form=fine["form"],
            form_name=fine["form_name"],
            period_start=fine["period_start"],
            period_end=fine["period_end"],
            deadline=fine["deadline"],
            days_late=fine["days_late"],
            fine_cents=fine["fine_cents"],
            cap_cents=fine["cap_cents"],
            final=fine["final"],
            portal_url=PORTAL_URL.get(),
        ),
    )


def issue_payment_receipt(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence:
    """Acknowledge a payment credited to an entity's account, once per payment."""
    payment = event["payload"]
    entity_name = entity_name_of(session, payment["entity_id"])
    return issue(
        session,
        blobs,
        cause=payment_receipt.cause_of_payment(payment["entry_id"]),
        template=PAYMENT_RECEIPT,
        entity_id=payment["entity_id"],
        compose=lambda number, issued_on: PaymentReceipt(
            number=number,
            issued_on=issued_on,
            entity_id=payment["entity_id"],
            entity_name=entity_name,
            # The ledger records a payment as a credit (negative); the receipt states what was paid.
            amount_cents=-payment["amount_cents"],
            method=payment["method"],
            reference=payment["reference"],
            received_on=payment["received_on"],
            balance_cents=payment["balance_cents"],
            unapplied_credit_cents=payment["unapplied_credit_cents"],
            portal_url=PORTAL_URL.get(),
        ),
    )


def issue_filing_receipt(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence:
    """Acknowledge an accepted filing or amendment, once per version of the filing."""
    filing = event["payload"]
    remember_entity_name(session, filing["entity_id"], filing["entity_name"])
    return issue(
        session,
        blobs,
        cause=filing_receipt.cause_of_filing_version(filing["filing_id"], filing["amendment"]),
        template=FILING_RECEIPT,
        entity_id=filing["entity_id"],
        compose=lambda number, issued_on: FilingReceipt(
            number=number,
            issued_on=issued_on,
            entity_id=filing["entity_id"],
            entity_name=filing["entity_name"],
            filing_id=filing["filing_id"],
            form=filing["form"],
            form_name=filing["form_name"],
            amendment=filing["amendment"],
            previous_amendment=filing.get("previous_amendment"),
            period_start=filing["period_start"],
            period_end=filing["period_end"],
            filed_at=filing["filed_at"],
            totals=filing.get("totals") or {},
            portal_url=PORTAL_URL.get(),
        ),
    )


def issue_waiver_decision(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence:
    """Tell the entity a late filing fine was waived and why, once per waiver."""
    waiver = event["payload"]
    entity_name = entity_name_of(session, waiver["entity_id"])
    return issue(
        session,
        blobs,
        cause=waiver_decision.cause_of_waiver(waiver["entry_id"]),
        template=WAIVER_DECISION,
        entity_id=waiver["entity_id"],
        compose=lambda number, issued_on: WaiverDecision(
            number=number,
            issued_on=issued_on,
            entity_id=waiver["entity_id"],
            entity_name=entity_name,
            # The waiver is a credit (negative) in the ledger; the letter states the amount forgiven.
            waived_cents=-waiver["amount_cents"],
            fine_description=WaiverDecision.fine_described_by(waiver["description"]),
            reason=waiver["reason"],
            effective_on=waiver["effective_on"],
            portal_url=PORTAL_URL.get(),
        ),
    )


@dataclass(frozen=True)
class StaffMember:
    """The staff member acting, and the client address the request came from (for the staff action log)."""

    user_id: str
    client: str | None


class EntityNameUnknown(Exception):
    """No event has named the entity and the request gave no name; `field` names the input to give."""

    field = "entity_name"


def issue_compliance_letter(
    session: Session, blobs: BlobStore, staff: StaffMember, request: dict[str, Any]
) -> tuple[Correspondence, bool]:
    """Issue staff's ad hoc letter to an entity once per request id and log it; answers (letter, newly issued)."""
    cause = compliance_letter.cause_of_staff_request(str(request["request_id"]))
    existing = session.scalar(select(Correspondence).where(Correspondence.cause == cause))
    if existing is not None:
        return existing, False
    entity_id = request["entity_id"]
    entity_name = request.get("entity_name") or entity_name_of(session, entity_id)
    if entity_name is None:
        raise EntityNameUnknown(f"Entity {entity_id} has no name on record here; give the name to address it to.")
    correspondence = issue(
        session,
        blobs,
        cause=cause,
        template=COMPLIANCE_LETTER,
        entity_id=entity_id,
        compose=lambda number, issued_on: ComplianceLetter(
            number=number,
            issued_on=issued_on,
            entity_id=entity_id,
            entity_name=entity_name,
            heading=request["title"],
            body=request["body"],
        ),
    )
    session.add(
        StaffActionLogEntry(
            occurred_at=correspondence.issued_at,
            actor_id=staff.user_id,
            client=staff.client,
            action=COMPLIANCE_LETTER_ISSUED,
            correspondence_id=correspondence.id,
            entity_id=entity_id,
            note=f"{correspondence.number}: {correspondence.title}",
        )
    )
    return correspondence, True


def staff_actions(session: Session, limit: int) -> list[StaffActionLogEntry]:
    """The staff action log, newest first."""
    query = select(StaffActionLogEntry).order_by(StaffActionLogEntry.id.desc()).limit(limit)
    return list(session.scalars(query))


def grant_entity_access(session: Session, event: dict[str, Any]) -> EntityAccess:
    """Record that a user may read an entity's correspondence; a repeated approval updates the role."""
    link = event["payload"]
    access = session.get(EntityAccess, (link["user_id"], link["entity_id"]))
    if access is None:
        access = EntityAccess(user_id=link["user_id"], entity_id=link["entity_id"], granted_at=datetime.now(UTC))
        session.add(access)
    access.role = link["role"]
    return access


def issue_link_approval(session: Session, event: dict[str, Any], blobs: BlobStore) -> Correspondence:
    """Write to the one person whose link to an entity was approved, once per approval."""
    link = event["payload"]
    entity_name = entity_name_of(session, link["entity_id"])
    return issue(
        session,
        blobs,
        cause=link_approval.cause_of_link_approval(str(event["event_id"])),
        template=LINK_APPROVAL,
        # Addressed to the person alone: the entity's other members do not read it.
        entity_id=None,
        user_id=link["user_id"],
        compose=lambda number, issued_on: LinkApproval(
            number=number,
            issued_on=issued_on,
            user_id=link["user_id"],
            entity_id=link["entity_id"],
            entity_name=entity_name,
            role=link["role"],
            approval=link.get("approval"),
            approved_at=occurred_at(event),
            link_id=link.get("link_id"),
            portal_url=PORTAL_URL.get(),
        ),
    )


def issue_vendor_certification(session: Session, event: dict[str, Any], blobs: BlobStore) -> list[Correspondence]:
    """Write to each person who manages the certified vendor, one letter each, once per certification."""
    vendor = event["payload"]
    certified_at = vendor.get("certified_at") or occurred_at(event)
    return issue_to_vendor_managers(
        session,
        blobs,
        event,
        template=VENDOR_CERTIFICATION,
        cause_of=vendor_certification.cause_of_certification,
        compose=lambda number, issued_on, manager_id: VendorCertification(
            number=number,
            issued_on=issued_on,
            user_id=manager_id,
            vendor_id=vendor["vendor_id"],
            vendor_name=vendor["name"],
            certified_at=certified_at,
            certified_by=vendor["certified_by"],
            scenarios_passed_at=vendor.get("scenarios_passed_at"),
            scenarios=tuple(vendor.get("scenarios") or ()),
            portal_url=PORTAL_URL.get(),
        ),
    )


def issue_vendor_certification_withdrawal(
    session: Session, event: dict[str, Any], blobs: BlobStore
) -> list[Correspondence]:
    """Write to each person who manages the vendor that its certification was withdrawn, once per withdrawal."""
    vendor = event["payload"]
    withdrawn_at = vendor.get("decertified_at") or occurred_at(event)
    return issue_to_vendor_managers(
        session,
        blobs,
        event,
        template=VENDOR_CERTIFICATION_WITHDRAWAL,
        cause_of=vendor_certification.cause_of_withdrawal,
        compose=lambda number, issued_on, manager_id: VendorCertificationWithdrawal(
            number=number,
            issued_on=issued_on,
            user_id=manager_id,
            vendor_id=vendor["vendor_id"],
            vendor_name=vendor.get("name"),
            withdrawn_at=withdrawn_at,
            withdrawn_by=vendor["decertified_by"],
            reason=vendor["reason"],
            portal_url=PORTAL_URL.get(),
        ),
    )


def issue_to_vendor_managers(
    session: Session,
    blobs: BlobStore,
    event: dict[str, Any],
    *,
    template: Template,
    cause_of: Callable[[str, str], str],
    compose: Callable[[str, date, str], Any],
) -> list[Correspondence]:
    """One letter to each distinct manager named by a vendor event (`manager_ids`), addressed to that person alone;
    `cause_of(event_id, manager_id)` keeps it once per event and person, `compose(number, issued_on, manager_id)`
    words it."""
    return [
        issue(
            session,
            blobs,
            cause=cause_of(str(event["event_id"]), manager_id),
            template=template,
            entity_id=None,
            user_id=manager_id,
            compose=lambda number, issued_on, manager_id=manager_id: compose(number, issued_on, manager_id),
        )
        for manager_id in _distinct(event["payload"].get("manager_ids") or [])
    ]


def occurred_at(event: dict[str, Any]) -> datetime:
    """When the event's producer says it happened."""
    moment = event["occurred_at"]
    return moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))


def _distinct(user_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(user_ids))


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


@dataclass(frozen=True)
class Filters:
    """What a reader narrows their list to: a kind, days of issue (inclusive, office time), an entity, unread."""

    kind: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    entity_id: str | None = None
    unread: bool = False


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=OFFICE_TIME_ZONE)


def readable_by(session: Session, reader: Reader, limit: int, filters: Filters = Filters()) -> list[Correspondence]:
    """What `reader` may read, narrowed by `filters`, newest first (the SQL form of `may_read`)."""
    query = select(Correspondence)
    if not reader.is_staff:
        query = query.where(
            or_(Correspondence.user_id == reader.user_id, Correspondence.entity_id.in_(sorted(reader.entity_ids)))
        )
    if filters.kind is not None:
        query = query.where(Correspondence.kind == filters.kind)
    if filters.entity_id is not None:
        query = query.where(Correspondence.entity_id == filters.entity_id)
    if filters.issued_from is not None:
        query = query.where(Correspondence.issued_at >= _start_of(filters.issued_from))
    if filters.issued_to is not None:
        query = query.where(Correspondence.issued_at < _start_of(filters.issued_to + timedelta(days=1)))
    if filters.unread:
        query = query.where(
            ~select(CorrespondenceRead.correspondence_id)
            .where(
                CorrespondenceRead.correspondence_id == Correspondence.id,
                CorrespondenceRead.user_id == reader.user_id,
            )
            .exists()
        )
    query = query.order_by(Correspondence.issued_at.desc(), Correspondence.number.desc()).limit(limit)
    return list(session.scalars(query))


def read_marks(session: Session, user_id: str, correspondence_ids: list[str]) -> dict[str, datetime]:
    """When `user_id` marked each of these read (those not marked are left out)."""
    if not correspondence_ids:
        return {}
    rows = session.execute(
        select(CorrespondenceRead.correspondence_id, CorrespondenceRead.read_at).where(
            CorrespondenceRead.user_id == user_id, CorrespondenceRead.correspondence_id.in_(correspondence_ids)
        )
    )
    return {correspondence_id: read_at for correspondence_id, read_at in rows}


def mark_read(session: Session, reader: Reader, correspondence_id: str) -> tuple[Correspondence, datetime] | None:
    """Mark correspondence read for `reader`; the first mark stands. None if it is not theirs to read."""
    correspondence = find_readable(session, reader, correspondence_id)
    if correspondence is None:
        return None
    mark = session.get(CorrespondenceRead, (correspondence.id, reader.user_id))
    if mark is None:
        mark = CorrespondenceRead(
            correspondence_id=correspondence.id, user_id=reader.user_id, read_at=datetime.now(UTC)
        )
        session.add(mark)
    return correspondence, mark.read_at


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
    except BlobCorrupted as damaged:
        raise DocumentUnavailable(f"the PDF of {correspondence.number} fails its integrity check") from damaged
    if sha256_of(document) != correspondence.sha256:
        raise DocumentUnavailable(f"the PDF of {correspondence.number} fails its integrity check")
    return document
