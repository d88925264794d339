"""Submissions: receiving a filing, checking it, and accepting or rejecting it, each in one transaction.

`receive` stores the document as sent and queues submission_received; the worker then runs `check`, which
streams the document through the form's checker, writes its line items in chunks as they are read, and
either keeps the new filing version (with its registration effects and events) or rolls all of it back
and keeps only the problems.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from filings import SERVICE, handlers, permissions
from filings.checking import CheckedSubmission, check_submission
from filings.domain.calendar import filing_date
from filings.domain.entities import EntityStatus
from filings.domain.errors import EntityNotFound
from filings.domain.forms import FORMS, FormDeclaration
from filings.domain.forms.declaration import Level
from filings.domain.forms.validation import Problem
from filings.domain.intake import (
    ACCEPTED_FILING,
    DECIDED,
    VERIFICATION_STATEMENT,
    Space,
    SubmissionStatus,
    amendment_problem,
    form_entity_problem,
    next_amendment,
    person_signer_problem,
    vendor_signer_problem,
)
from filings.domain.registration import changed_fields, registers, stated_record, termination_date
from filings.models import Entity, Filing, FilingLine, Submission
from filings.permissions import Caller
from filings.submissions.envelope import UnreadableSubmission, read_envelope

LINES_CHUNK = 1000
"""Line items written per INSERT: memory holds at most this many, however long the filing."""


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used by this caller for a different submission."""


class WebhookNotAllowed(Exception):
    """Only vendor software is called back; a person follows the status resource."""


@dataclass(frozen=True)
class Received:
    submission: Submission
    replayed: bool
    """True when an earlier submission with the same Idempotency-Key and body is answered again."""


# -- receiving ------------------------------------------------------------------------------------------


def receive(
    session: Session,
    caller: Caller,
    body: bytes,
    *,
    idempotency_key: str | None = None,
    webhook_url: str | None = None,
    now: datetime | None = None,
) -> Received:
    """Store a submission for checking and queue submission_received, or answer the one sent before with its key.

    Raises UnreadableSubmission, EntityNotFound, IdempotencyConflict, WebhookNotAllowed or a Forbidden problem.
    """
    envelope = read_envelope(body)
    form = FORMS[envelope.form]
    if envelope.entity_id is None and (envelope.amends_filing_id is not None or not registers(form)):
        raise UnreadableSubmission("entity_id", "Required: only the original of a registration creates an entity.")
    certified = caller.is_vendor and handlers.vendor_certified(session, caller.vendor_id or "")
    permissions.require_may_submit(caller, envelope.entity_id, vendor_certified=certified)
    if webhook_url is not None and not caller.is_vendor:
        raise WebhookNotAllowed()
    space = caller.space
    if envelope.entity_id is not None and _entity_in_space(session, envelope.entity_id, space, caller) is None:
        raise EntityNotFound(envelope.entity_id)
    digest = hashlib.sha256(body).hexdigest()
    if idempotency_key is not None:
        earlier = _submitted_with_key(session, caller.subject, idempotency_key)
        if earlier is not None:
            return Received(_same_request(earlier, digest, space), replayed=True)
    submission = Submission(
        submission_id=str(uuid.uuid4()),
        space=space,
        submitted_by=caller.subject,
        vendor_id=caller.vendor_id,
        idempotency_key=idempotency_key,
        request_sha256=digest,
        status=SubmissionStatus.RECEIVED,
        form=envelope.form,
        entity_id=envelope.entity_id,
        amends_filing_id=envelope.amends_filing_id,
        amends_amendment=envelope.amends_amendment,
        webhook_url=webhook_url,
        received_at=now or datetime.now(UTC),
        body=body,
    )
    try:
        with session.begin_nested():
            session.add(submission)
    except IntegrityError:
        # The same key sent twice at once: the other request stored it first.
        earlier = _submitted_with_key(session, caller.subject, idempotency_key) if idempotency_key else None
        if earlier is None:
            raise
        return Received(_same_request(earlier, digest, space), replayed=True)
    outbox.add(
        session, make_event(SERVICE, "submission_received", {"submission_id": submission.submission_id, "space": space})
    )
    return Received(submission, replayed=False)


def _entity_in_space(session: Session, entity_id: str, space: Space, caller: Caller) -> Entity | None:
    """The entity if the caller may file for it in this space: sandbox entities are the vendor's own."""
    entity = session.get(Entity, entity_id)
    if entity is None or entity.space != space:
        return None
    if space == Space.SANDBOX and entity.created_by != caller.subject:
        return None
    return entity


def _submitted_with_key(session: Session, submitted_by: str, key: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(Submission.submitted_by == submitted_by, Submission.idempotency_key == key)
    )


def _same_request(earlier: Submission, digest: str, space: Space) -> Submission:
    if earlier.request_sha256 != digest:
        raise IdempotencyConflict("This Idempotency-Key was already used with a different document.")
    if earlier.space != space:
        raise IdempotencyConflict(f"This Idempotency-Key was already used in the {earlier.space} space.")
    return earlier


# -- reading ------------------------------------------------------------------------------------------------


def readable_submission(session: Session, caller: Caller, submission_id: str) -> Submission | None:
    """The submission if the caller may read it (its submitter, or staff); otherwise as if it did not exist."""
    submission = session.get(Submission, submission_id)
    if submission is None or not permissions.may_read_submission(caller, submission.submitted_by):
        return None
    return submission


def own_submissions(
    session: Session, caller: Caller, before: tuple[datetime, str] | None, limit: int, status: str | None = None
) -> tuple[list[Submission], tuple[datetime, str] | None]:
    """The caller's submissions newest first, `limit` at a time after the keyset cursor `before`.

    Returns the page and the cursor of the next one (None on the last page).
    """
    query = select(Submission).where(Submission.submitted_by == caller.subject)
    if status is not None:
        query = query.where(Submission.status == status)
    if before is not None:
        received_at, submission_id = before
        query = query.where(
            or_(
                Submission.received_at < received_at,
                and_(Submission.received_at == received_at, Submission.submission_id < submission_id),
            )
        )
    order = (Submission.received_at.desc(), Submission.submission_id.desc())
    page = list(session.scalars(query.order_by(*order).limit(limit + 1)))
    more = len(page) > limit
    page = page[:limit]
    return page, ((page[-1].received_at, page[-1].submission_id) if more else None)


# -- checking and deciding -------------------------------------------------------------------------------


class LineWriter:
    """Writes a filing version's line items as the checker hands them over, `chunk` rows per INSERT."""

    def __init__(self, session: Session, filing_id: str, amendment: int, chunk: int = LINES_CHUNK) -> None:
        self.session, self.filing_id, self.amendment, self.chunk = session, filing_id, amendment, chunk
        self.rows: list[dict[str, Any]] = []

    def add(self, part: str, line: int, data: dict[str, Any]) -> None:
        self.rows.append(
            {"filing_id": self.filing_id, "amendment": self.amendment, "part": part, "line": line, "data": data}
        )
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            # Core, not the ORM's bulk path: nothing here needs identity or events, and it is the hot loop.
            self.session.connection().execute(insert(FilingLine.__table__), self.rows)
            self.rows = []


@dataclass
class Intake:
    """One submission being decided: where its version goes and what is known of it so far."""

    submission: Submission
    form: FormDeclaration
    filing_id: str
    amendment: int
    entity: Entity | None
    problems: list[Problem]

    @property
    def space(self) -> Space:
        return Space(self.submission.space)


def error(field: str | None, message: str) -> Problem:
    """A problem of the envelope (outside the parts) that rejects the submission."""
    return Problem(Level.ERROR, message, field=field)


def check(session: Session, submission_id: str, *, now: datetime | None = None) -> Submission | None:
    """Check a received submission and decide it: accepted with its filing version, or rejected with its problems.

    Run by the worker on submission_received; a submission already decided is left as it is.
    """
    _show_validating(session, submission_id)
    submission = session.get(Submission, submission_id, with_for_update=True)
    if submission is None or submission.status in DECIDED:
        return submission
    submission.status = SubmissionStatus.VALIDATING
    intake = _intake(session, submission)
    lines = LineWriter(session, intake.filing_id, intake.amendment) if not intake.problems else None
    # Line items are written as they stream in; a rejection rolls them back to this savepoint.
    savepoint = session.begin_nested()
    checked = check_submission(submission.body, on_line=lines.add if lines else None)
    if lines is not None:
        lines.flush()
    if checked.accepted and not intake.problems:
        intake.problems.extend(_checked_envelope_problems(session, intake, checked))
    errors = [*checked.errors, *intake.problems]
    now = now or datetime.now(UTC)
    if errors:
        savepoint.rollback()
        _reject(session, intake, errors, checked.warnings, now)
    else:
        savepoint.commit()
        _accept(session, intake, checked, now)
    return submission


def _show_validating(session: Session, submission_id: str) -> None:
    """Show the submission as validating while it is checked (a large filing takes seconds).

    Committed at once on a connection of its own, before this transaction locks the row, so that readers see
    it before the decision commits. Only on PostgreSQL: SQLite has one writer at a time, and this transaction
    writes already, so there the status goes from received straight to the decision.
    """
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        with bind.begin() as connection:
            connection.execute(
                update(Submission)
                .where(Submission.submission_id == submission_id, Submission.status == SubmissionStatus.RECEIVED)
                .values(status=SubmissionStatus.VALIDATING)
            )


def _intake(session: Session, submission: Submission) -> Intake:
    """Where the new version goes, and the problems found from the envelope as stored on receipt."""
    form = FORMS[submission.form or ""]
    problems: list[Problem] = []
    space = Space(submission.space)
    entity = None
    if submission.entity_id is not None:
        entity = session.get(Entity, submission.entity_id)
        if entity is None or entity.space != space:
            problems.append(error("entity_id", f"No filing entity has ID {submission.entity_id}."))
            entity = None
        else:
            found = form_entity_problem(form.code, form.entity_types, entity.entity_type)
            if found:
                problems.append(error("form", found))
    if submission.vendor_id is not None and space == Space.PRODUCTION:
        if not handlers.vendor_certified(session, submission.vendor_id):
            problems.append(error(None, "Your software is no longer certified for production filing."))
    if submission.amends_filing_id is None:
        return Intake(submission, form, str(uuid.uuid4()), 0, entity, problems)
    amends = submission.amends_amendment or 0
    problems.extend(_amendment_problems(session, submission, amends))
    return Intake(submission, form, submission.amends_filing_id, next_amendment(amends), entity, problems)


def _amendment_problems(session: Session, submission: Submission, amends: int) -> list[Problem]:
    filing_id = submission.amends_filing_id
    # Locking the original version makes amendments of one filing wait for each other, so the second of two
    # amendments of the same version sees the first one's version as the latest and is refused.
    original = session.scalar(
        select(Filing).where(Filing.filing_id == filing_id, Filing.amendment == 0).with_for_update()
    )
    if original is None or original.space != submission.space:
        latest = None
    else:
        latest = session.scalar(select(func.max(Filing.amendment)).where(Filing.filing_id == filing_id))
    found = amendment_problem(
        latest=latest,
        amends=amends,
        filing_entity_id=original.entity_id if original else None,
        filing_form=original.form if original else None,
        entity_id=submission.entity_id,
        form=submission.form or "",
    )
    return [] if found is None else [error(*found)]


def _checked_envelope_problems(session: Session, intake: Intake, checked: CheckedSubmission) -> list[Problem]:
    """Problems only the whole document shows: who signed it, and what the registration states."""
    envelope = checked.envelope
    submission = intake.submission
    if envelope is None:
        return [error(None, "The submission document could not be read.")]
    amends = (envelope.amends_filing_id, envelope.amends_amendment)
    if (envelope.form.code, envelope.entity_id, amends) != (
        submission.form,
        submission.entity_id,
        (submission.amends_filing_id, submission.amends_amendment),
    ):
        return [error(None, "The document states its form, entity or amendment more than once, differently.")]
    problems = []
    if envelope.verification is None:
        problems.append(error("verification", "A filing must be verified by its signer."))
    elif submission.vendor_id is None:
        found = person_signer_problem(envelope.verification.signer_id, submission.submitted_by)
        if found:
            problems.append(error("verification.signer_id", found))
    elif intake.space == Space.PRODUCTION and intake.entity is not None:
        signer_id = envelope.verification.signer_id
        role = handlers.signer_role(session, intake.entity.entity_id, signer_id)
        found = vendor_signer_problem(signer_id, intake.entity.entity_id, role)
        if found:
            problems.append(error("verification.signer_id", found))
    if registers(intake.form):
        stated = stated_record(intake.form, checked.records)
        entity_type = stated.get("entity_type") or (intake.entity.entity_type if intake.entity else None)
        if intake.entity is None and not (stated.get("name") and entity_type):
            problems.append(error(None, "A registration must state the entity's name and type."))
        elif entity_type:
            found = form_entity_problem(intake.form.code, intake.form.entity_types, entity_type)
            if found:
                problems.append(error(None, found))
    return problems


def _reject(session: Session, intake: Intake, errors: list[Problem], warnings: list[Problem], now: datetime) -> None:
    submission = intake.submission
    submission.status = SubmissionStatus.REJECTED
    submission.errors = [problem.as_dict() for problem in errors]
    submission.warnings = [problem.as_dict() for problem in warnings]
    submission.decided_at = now
    outbox.add(session, _decided(submission))


def _accept(session: Session, intake: Intake, checked: CheckedSubmission, now: datetime) -> None:
    """Keep the new version, apply its registration effects and queue the events the space publishes."""
    submission, form = intake.submission, intake.form
    events: list[dict[str, Any]] = []
    entity = _registered_entity(session, intake, checked, now, events)
    terminated_on = termination_date(form, checked.records)
    terminated = terminated_on is not None and (
        entity.status != EntityStatus.TERMINATED or entity.terminated_on != terminated_on
    )
    if terminated:
        entity.status, entity.terminated_on = EntityStatus.TERMINATED.value, terminated_on
    verification = checked.envelope.verification if checked.envelope else None
    filing = Filing(
        filing_id=intake.filing_id,
        amendment=intake.amendment,
        entity_id=entity.entity_id,
        form=form.code,
        period_start=checked.envelope.period_start if checked.envelope else None,
        period_end=checked.envelope.period_end if checked.envelope else None,
        space=submission.space,
        status=ACCEPTED_FILING,
        filed_at=submission.received_at,
        filed_by=submission.submitted_by,
        vendor_id=submission.vendor_id,
        signer_id=verification.signer_id if verification else None,
        signer_name=verification.signer_name if verification else None,
        verification_statement=VERIFICATION_STATEMENT,
        records=checked.records,
        line_counts=dict(checked.line_counts),
        totals={name: str(amount) for name, amount in checked.totals.items()},
        warnings=[problem.as_dict() for problem in checked.warnings],
        submission_id=submission.submission_id,
    )
    session.add(filing)
    session.flush()
    submission.status = SubmissionStatus.ACCEPTED
    submission.entity_id = entity.entity_id
    submission.filing_id, submission.amendment = filing.filing_id, filing.amendment
    submission.errors = []
    submission.warnings = filing.warnings
    submission.decided_at = now
    events.append(_filing_event(filing, entity, checked))
    if terminated_on is not None and terminated:
        events.append(_entity_terminated(entity, filing, terminated_on))
    if intake.space == Space.PRODUCTION:
        for event in events:
            outbox.add(session, event)
    outbox.add(session, _decided(submission))


def _registered_entity(
    session: Session, intake: Intake, checked: CheckedSubmission, now: datetime, events: list[dict[str, Any]]
) -> Entity:
    """The filing's entity after the registration's effect: created by an original, updated by an amendment."""
    submission, form = intake.submission, intake.form
    if not registers(form):
        assert intake.entity is not None  # reports always name their entity (checked on receipt)
        return intake.entity
    stated = stated_record(form, checked.records)
    if intake.entity is None:
        entity = Entity(
            entity_id=handlers.allocate_entity_id(session, intake.space),
            status=EntityStatus.ACTIVE.value,
            space=submission.space,
            legacy=False,
            registered_on=filing_date(submission.received_at),
            created_by=submission.submitted_by,
            created_at=now,
            **stated,
        )
        session.add(entity)
        session.flush()
        events.append(
            make_event(
                SERVICE,
                "entity_registered",
                {
                    "entity_id": entity.entity_id,
                    "name": entity.name,
                    "entity_type": entity.entity_type,
                    "registered_by": submission.submitted_by,
                    "registered_on": entity.registered_on,
                    "filing_id": intake.filing_id,
                },
            )
        )
        return entity
    entity = intake.entity
    changed = changed_fields({name: getattr(entity, name) for name in stated}, stated)
    for name in changed:
        setattr(entity, name, stated[name])
    if changed:
        events.append(_entity_updated(entity, intake, changed))
    return entity


def _entity_updated(entity: Entity, intake: Intake, changed: list[str]) -> dict[str, Any]:
    """entity_updated names the fields a registration amendment changed, never their values."""
    return make_event(
        SERVICE,
        "entity_updated",
        {
            "entity_id": entity.entity_id,
            "name": entity.name,
            "entity_type": entity.entity_type,
            "changed": changed,
            "filing_id": intake.filing_id,
            "amendment": intake.amendment,
        },
    )


def _entity_terminated(entity: Entity, filing: Filing, terminated_on: date) -> dict[str, Any]:
    return make_event(
        SERVICE,
        "entity_terminated",
        {
            "entity_id": entity.entity_id,
            "name": entity.name,
            "entity_type": entity.entity_type,
            "terminated_on": terminated_on,
            "filing_id": filing.filing_id,
        },
    )


def _filing_event(filing: Filing, entity: Entity, checked: CheckedSubmission) -> dict[str, Any]:
    """filing_accepted for an original, filing_amended for an amendment: public facts and totals only."""
    payload = {
        "filing_id": filing.filing_id,
        "entity_id": entity.entity_id,
        "entity_name": entity.name,
        "form": filing.form,
        "form_name": filing.form_name,
        "amendment": filing.amendment,
        "period_start": filing.period_start,
        "period_end": filing.period_end,
        "filed_at": filing.filed_at,
        "totals": dict(checked.totals),
    }
    if filing.amendment == 0:
        return make_event(SERVICE, "filing_accepted", payload)
    return make_event(SERVICE, "filing_amended", {**payload, "previous_amendment": filing.amendment - 1})


def _decided(submission: Submission) -> dict[str, Any]:
    return make_event(
        SERVICE,
        "submission_decided",
        {
            "submission_id": submission.submission_id,
            "space": submission.space,
            "status": submission.status,
            "vendor_id": submission.vendor_id,
            "form": submission.form,
            "filing_id": submission.filing_id,
            "amendment": submission.amendment,
        },
    )
