"""Submissions: receiving a filing, checking it, and accepting or rejecting it, each in one transaction.

`receive` stores the document as sent and queues submission_received; the worker then runs `check`, which
streams the document through the form's checker, writes its line items in chunks as they are read, and
either keeps the new filing version (with its registration effects and events) or rolls all of it back
and keeps only the problems.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Engine,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction, defer

from cars_shared import outbox
from cars_shared.events import make_event
from cars_shared.logging import bound_contextvars
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
from filings.domain.registration import (
    changed_fields,
    identity_required,
    may_create_entity,
    registers,
    stated_record,
    termination_date,
)
from filings.models import Entity, Filing, FilingLine, Submission
from filings.permissions import Caller
from filings.submissions.envelope import UnreadableSubmission, read_envelope

LINES_CHUNK = 1000
"""Line items written per INSERT: memory holds at most this many, however long the filing."""
LINE_COLUMNS = ("filing_id", "amendment", "part", "line", "data")
LineRow = tuple[str, int, str, int, dict[str, Any]]
"""A row of `FilingLine`: filing_id, amendment, part, line and the line's data."""
INSERT_LINES = text(
    "INSERT INTO filing_lines (filing_id, amendment, part, line, data) "
    "SELECT item.filing_id, item.amendment, item.part, item.line, item.data "
    "FROM json_to_recordset(CAST(:lines AS json)) "
    "AS item(filing_id text, amendment integer, part text, line integer, data json)"
)
"""Rows of `FilingLine` from one JSON array of objects with its columns (PostgreSQL)."""
SHOWN_VALIDATING_BYTES = 256 * 1024
"""A submission at least this large (some 800 line items) is shown as validating while it is checked; a smaller
one is decided within a fraction of a second, so it goes from received straight to its decision."""


# Statements of the hot paths, built once: building one (and the key SQLAlchemy finds its compiled form by)
# costs more than running it. Their values are parameters.

SUBMISSIONS = Submission.__table__.c
STORE_UNLESS_KEY_USED = {
    dialect: insert_of(Submission.__table__)
    .on_conflict_do_nothing(index_elements=[SUBMISSIONS.submitted_by, SUBMISSIONS.idempotency_key])
    .returning(SUBMISSIONS.submission_id)
    for dialect, insert_of in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}
"""Insert a submission unless its submitter already used its Idempotency-Key, by dialect."""
STORED_COLUMNS = (
    *("submission_id", "space", "submitted_by", "vendor_id", "idempotency_key", "request_sha256", "status", "form"),
    *("entity_id", "amends_filing_id", "amends_amendment", "webhook_url", "received_at", "body"),
)
"""The columns `receive` stores."""
ENTITIES = Entity.__table__.c
ENTITY_IN_SPACE = (
    select(literal_column("1"))
    .where(ENTITIES.entity_id == bindparam("entity_id"), ENTITIES.space == bindparam("space"))
    .where(or_(ENTITIES.space != Space.SANDBOX.value, ENTITIES.created_by == bindparam("submitted_by")))
)
"""The submission's entity, if it is in the submission's space and (in the sandbox) the submitter's own."""


def _store_for_entity(insert_of: Any, typed: Any) -> Any:
    values = select(
        *(typed(bindparam(name, type_=SUBMISSIONS[name].type), SUBMISSIONS[name].type) for name in STORED_COLUMNS)
    )
    return (
        insert_of(Submission.__table__)
        .from_select(STORED_COLUMNS, values.where(exists(ENTITY_IN_SPACE)))
        .on_conflict_do_nothing(index_elements=[SUBMISSIONS.submitted_by, SUBMISSIONS.idempotency_key])
        .returning(SUBMISSIONS.submission_id)
    )


STORE_FOR_ENTITY_UNLESS_KEY_USED = {
    "postgresql": _store_for_entity(postgresql_insert, cast),
    "sqlite": _store_for_entity(sqlite_insert, type_coerce),
}
"""As STORE_UNLESS_KEY_USED, and only if the submission's entity is one the submitter may file for in its space:
the look-up and the insert in one round trip. (PostgreSQL types the selected parameters by explicit casts;
SQLite stores them as given.)"""
SUBMISSION_IDS = bindparam("submission_ids", expanding=True)
BODY_SIZE = func.length(Submission.body)
"""In bytes, of a bytea (PostgreSQL) or a blob (SQLite)."""
SMALL_BODIES = select(
    Submission.submission_id, BODY_SIZE, case((BODY_SIZE < SHOWN_VALIDATING_BYTES, Submission.body))
).where(Submission.submission_id.in_(SUBMISSION_IDS))
"""Each submission's size, and its document when smaller than `SHOWN_VALIDATING_BYTES`."""
LOCKED_WITH_ENTITIES = (
    select(Submission, Entity)
    .outerjoin(Entity, Entity.entity_id == Submission.entity_id)
    .where(Submission.submission_id.in_(SUBMISSION_IDS))
    .order_by(Submission.submission_id)
    .options(defer(Submission.body))
    .with_for_update(of=Submission)
    .execution_options(populate_existing=True)
)
"""The submissions with the entities they name, without their documents, locked (see `_locked_with_entities`)."""
BODY = select(Submission.body).where(Submission.submission_id == bindparam("submission_id"))
INSERT_FILINGS = insert(Filing.__table__)


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
    if envelope.entity_id is None and (envelope.amends_filing_id is not None or not may_create_entity(form)):
        raise UnreadableSubmission("entity_id", "Required: only the original of a registration creates an entity.")
    certified = caller.is_vendor and handlers.vendor_certified(session, caller.vendor_id or "")
    permissions.require_may_submit(caller, envelope.entity_id, vendor_certified=certified)
    if webhook_url is not None and not caller.is_vendor:
        raise WebhookNotAllowed()
    space = caller.space
    digest = hashlib.sha256(body).hexdigest()
    columns = {
        "submission_id": str(uuid.uuid4()),
        "space": space,
        "submitted_by": caller.subject,
        "vendor_id": caller.vendor_id,
        "idempotency_key": idempotency_key,
        "request_sha256": digest,
        "status": SubmissionStatus.RECEIVED,
        "form": envelope.form,
        "entity_id": envelope.entity_id,
        "amends_filing_id": envelope.amends_filing_id,
        "amends_amendment": envelope.amends_amendment,
        "webhook_url": webhook_url,
        "received_at": now or datetime.now(UTC),
        "body": body,
    }
    if not _stored_unless_key_used(session, columns):
        if envelope.entity_id is not None and not _entity_in_space(session, envelope.entity_id, space, caller):
            raise EntityNotFound(envelope.entity_id)
        # The key was used before, or by a request sent at the same moment that stored it first.
        earlier = _submitted_with_key(session, caller.subject, idempotency_key or "")
        if earlier is None:
            raise IdempotencyConflict("This Idempotency-Key is being used by another request; try again.")
        return Received(_same_request(earlier, digest, space), replayed=True)
    submission = Submission(**columns)
    outbox.add(
        session, make_event(SERVICE, "submission_received", {"submission_id": submission.submission_id, "space": space})
    )
    return Received(submission, replayed=False)


def _stored_unless_key_used(session: Session, columns: dict[str, Any]) -> bool:
    """Insert the submission unless its submitter already used its Idempotency-Key, or it names an entity the
    submitter may not file for in its space; whether it was inserted.

    One statement: a request sending the same key at the same moment waits for the first one's transaction,
    then inserts nothing (or inserts, if that one rolled back).
    """
    statements = STORE_UNLESS_KEY_USED if columns["entity_id"] is None else STORE_FOR_ENTITY_UNLESS_KEY_USED
    statement = statements[session.get_bind().dialect.name]
    return session.execute(statement, columns).first() is not None


def _entity_in_space(session: Session, entity_id: str, space: Space, caller: Caller) -> bool:
    """Whether the entity exists and the caller may file for it in this space: sandbox entities are the vendor's own."""
    parameters = {"entity_id": entity_id, "space": space.value, "submitted_by": caller.subject}
    return bool(session.scalar(select(exists(ENTITY_IN_SPACE)), parameters))


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


class LineStore:
    """The line items of the filings decided in one transaction, written `chunk` rows per INSERT.

    A filing's lines are held while it is checked. Once it is accepted they join those of the filings accepted
    before it, so that small filings decided together share an INSERT; memory holds at most two chunks.
    """

    def __init__(self, session: Session, chunk: int = LINES_CHUNK) -> None:
        self.session, self.chunk = session, chunk
        self.kept: list[LineRow] = []

    def writer(self, filing_id: str, amendment: int) -> LineWriter:
        return LineWriter(self, filing_id, amendment)

    def keep(self, rows: list[LineRow]) -> None:
        """Lines of an accepted filing, written with the next chunk."""
        self.kept.extend(rows)
        if len(self.kept) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Write every line kept so far."""
        self.write(self.kept)
        self.kept = []

    def write(self, rows: list[LineRow]) -> None:
        if not rows:
            return
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            # The whole chunk as one JSON parameter that PostgreSQL splits into rows: binding five parameters per
            # line (SQLAlchemy's or psycopg2's own multi-row VALUES) costs more than all the rest of storing it.
            lines = orjson.dumps(
                [
                    {"filing_id": filing_id, "amendment": amendment, "part": part, "line": line, "data": data}
                    for filing_id, amendment, part, line, data in rows
                ]
            ).decode()
            connection.execute(INSERT_LINES, {"lines": lines})
        else:
            connection.execute(
                insert(FilingLine.__table__), [dict(zip(LINE_COLUMNS, row, strict=True)) for row in rows]
            )


class LineWriter:
    """Takes a filing version's line items as the checker hands them over.

    Fewer than a chunk are only held until the filing is decided: kept with the store's (`keep`) or dropped
    (`discard`). A longer filing writes each full chunk at once, the first under a savepoint of its own, so that
    a rejection found later rolls back its lines without undoing the rest of the transaction.
    """

    def __init__(self, store: LineStore, filing_id: str, amendment: int) -> None:
        self.store, self.filing_id, self.amendment = store, filing_id, amendment
        self.rows: list[LineRow] = []
        self.savepoint: SessionTransaction | None = None

    def add(self, part: str, line: int, data: dict[str, Any]) -> None:
        self.rows.append((self.filing_id, self.amendment, part, line, data))
        if len(self.rows) >= self.store.chunk:
            if self.savepoint is None:
                self.savepoint = self.store.session.begin_nested()
            self.store.write(self.rows)
            self.rows = []

    def keep(self) -> None:
        """Keep every line of the filing: those still held are written with the store's next chunk."""
        if self.savepoint is None:
            self.store.keep(self.rows)
        else:
            self.store.write(self.rows)
            self.savepoint.commit()
        self.rows = []

    def discard(self) -> None:
        """Drop the lines still held and roll back those written."""
        self.rows = []
        if self.savepoint is not None:
            self.savepoint.rollback()


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

    A submission already decided is left as it is.
    """
    return check_all(session, [submission_id], now=now)[submission_id]


def check_all(
    session: Session,
    submission_ids: list[str],
    *,
    correlation_ids: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> dict[str, Submission | None]:
    """Check and decide received submissions in this transaction, one after the other, as `check` does each.

    Run by the worker on the submission_received events that arrive together. What every submission needs is
    done once for all of them: reading, locking, and writing their lines, decisions and events. The events of
    each carry on `correlation_ids[submission_id]` (that of the event asking for its check) when given.
    """
    ids = list(dict.fromkeys(submission_ids))
    bodies = _small_bodies_showing_the_others_validating(session, ids)
    found = _locked_with_entities(session, ids)
    decided = Decisions(session, LineStore(session))
    # The submissions' new statuses are written together at the end (one UPDATE statement for all), not one by
    # one as the queries in between would otherwise flush them.
    with session.no_autoflush:
        for submission_id in ids:
            submission, entity = found.get(submission_id, (None, None))
            if submission is None or submission.status in DECIDED:
                continue
            if submission.amends_filing_id is not None:
                # An amendment reads the versions of its filing: those accepted just before it are written first.
                decided.write_filings()
            body = bodies.pop(submission_id, None)
            if body is None:  # a large one, read now: only one at a time is held in memory
                body = session.scalar(BODY, {"submission_id": submission_id})
            correlation_id = (correlation_ids or {}).get(submission_id)
            with bound_contextvars(**({"correlation_id": correlation_id} if correlation_id else {})):
                _decide(session, submission, entity, body, decided, now or datetime.now(UTC))
            del body
    decided.write()
    return {submission_id: found.get(submission_id, (None, None))[0] for submission_id in ids}


@dataclass
class Decisions:
    """What the submissions decided in one transaction write, each kind in one statement once all are decided."""

    session: Session
    lines: LineStore
    filings: list[dict[str, Any]] = field(default_factory=list)
    """The rows of the new filing versions."""
    events: list[dict[str, Any]] = field(default_factory=list)
    """The events to queue, in the order the submissions were decided."""

    def write_filings(self) -> None:
        if self.filings:
            self.session.execute(INSERT_FILINGS, self.filings)
            self.filings = []

    def write(self) -> None:
        self.write_filings()
        self.lines.flush()
        outbox.add_all(self.session, self.events)
        self.events = []


def _decide(
    session: Session, submission: Submission, entity: Entity | None, body: bytes, decided: Decisions, now: datetime
) -> None:
    """Check one submission and decide it; what it writes joins `decided`."""
    intake = _intake(session, submission, entity)
    # Line items are written as they stream in; a rejection rolls back those already written.
    writer = decided.lines.writer(intake.filing_id, intake.amendment) if not intake.problems else None
    checked = check_submission(body, on_line=writer.add if writer else None)
    if checked.accepted and not intake.problems:
        intake.problems.extend(_checked_envelope_problems(session, intake, checked))
    errors = [*checked.errors, *intake.problems]
    if errors:
        if writer is not None:
            writer.discard()
        decided.events.extend(_reject(session, intake, errors, checked.warnings, now))
    else:
        assert writer is not None  # no problem on intake, so its lines were being taken
        writer.keep()
        decided.events.extend(_accept(session, intake, checked, now, decided.filings))


def _locked_with_entities(session: Session, submission_ids: list[str]) -> dict[str, tuple[Submission, Entity | None]]:
    """The submissions, their rows locked for this transaction (in one order, so that two transactions locking
    some of the same wait for each other rather than deadlock), each with the entity it names; one query.

    Their documents are not read here: see `_small_bodies_showing_the_others_validating`.
    """
    rows = session.execute(LOCKED_WITH_ENTITIES, {"submission_ids": submission_ids}).all()
    return {submission.submission_id: (submission, entity) for submission, entity in rows}


def _small_bodies_showing_the_others_validating(session: Session, submission_ids: list[str]) -> dict[str, bytes]:
    """The documents smaller than `SHOWN_VALIDATING_BYTES`, by submission; the larger ones are shown as
    validating while they are checked (a large filing takes seconds), and read one at a time later.

    A document never changes once received, so it is read before the rows are locked. The validating status
    is committed at once on a connection of its own, before this transaction locks the rows, so that readers
    see it before the decision commits. Only on PostgreSQL: SQLite has one writer at a time, and this
    transaction writes already, so there the status goes from received straight to the decision. A smaller
    submission goes straight to its decision too, sparing a commit per submission.
    """
    rows = session.execute(SMALL_BODIES, {"submission_ids": submission_ids}).all()
    large = [submission_id for submission_id, _, body in rows if body is None]
    bind = session.get_bind()
    if large and isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        with bind.begin() as connection:
            connection.execute(
                update(Submission)
                .where(Submission.submission_id.in_(large), Submission.status == SubmissionStatus.RECEIVED)
                .values(status=SubmissionStatus.VALIDATING)
            )
    return {submission_id: body for submission_id, _, body in rows if body is not None}


def _intake(session: Session, submission: Submission, entity: Entity | None) -> Intake:
    """Where the new version goes, and the problems found from the envelope as stored on receipt.

    `entity` is the one the submission names, if it exists (read with the submission).
    """
    form = FORMS[submission.form or ""]
    problems: list[Problem] = []
    space = Space(submission.space)
    if submission.entity_id is None:
        entity = None
    elif entity is None or entity.space != space:
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
    if intake.entity is None or registers(intake.form):
        stated = stated_record(intake.form, checked.records)
        entity_type = stated.get("entity_type") or (intake.entity.entity_type if intake.entity else None)
        if intake.entity is None and not (stated.get("name") and entity_type):
            problems.append(error(None, identity_required(intake.form)))
        elif entity_type:
            found = form_entity_problem(intake.form.code, intake.form.entity_types, entity_type)
            if found:
                problems.append(error(None, found))
    return problems


def _reject(
    session: Session, intake: Intake, errors: list[Problem], warnings: list[Problem], now: datetime
) -> list[dict[str, Any]]:
    """Keep only the problems; the event to queue."""
    submission = intake.submission
    submission.status = SubmissionStatus.REJECTED
    submission.errors = [problem.as_dict() for problem in errors]
    submission.warnings = [problem.as_dict() for problem in warnings]
    submission.decided_at = now
    return _decided(submission)


def _accept(
    session: Session, intake: Intake, checked: CheckedSubmission, now: datetime, filings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Keep the new version (its row joins `filings`) and apply its registration effects; the events to queue
    (what the space publishes).
    """
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
    # A row for Core, not the object for the unit of work: the version is written once, with those of the
    # filings decided together, and never changed in this transaction.
    # A column left unset (None) that has a default is left out, so that the INSERT gives it its default.
    filings.append(
        {
            column.key: value
            for column in Filing.__table__.columns
            if (value := getattr(filing, column.key)) is not None or column.default is None
        }
    )
    submission.status = SubmissionStatus.ACCEPTED
    submission.entity_id = entity.entity_id
    submission.filing_id, submission.amendment = filing.filing_id, filing.amendment
    submission.errors = []
    submission.warnings = filing.warnings
    submission.decided_at = now
    events.append(_filing_event(filing, entity, checked))
    if terminated_on is not None and terminated:
        events.append(_entity_terminated(entity, filing, terminated_on))
    # Sandbox filings never reach the public or fees: only their decision is published.
    published = events if intake.space == Space.PRODUCTION else []
    return [*published, *_decided(submission)]


def _registered_entity(
    session: Session, intake: Intake, checked: CheckedSubmission, now: datetime, events: list[dict[str, Any]]
) -> Entity:
    """The filing's entity after the registration's effect: created by an original, updated by an amendment."""
    submission, form = intake.submission, intake.form
    if intake.entity is not None and not registers(form):
        # A report, or an amendment of a first report that registered its filer, leaves the entity as it is.
        return intake.entity
    # Only an original of a form that may create its entity comes here without one (checked on receipt).
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
                    "registration_form": form.code,
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


def _decided(submission: Submission) -> list[dict[str, Any]]:
    """submission_decided, for vendor software's submissions only: its readers are their webhooks and their
    certification, and a person follows the status resource instead (an event per filing nobody reads would
    only cost the relay and the broker).
    """
    if submission.vendor_id is None:
        return []
    return [
        make_event(
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
    ]
