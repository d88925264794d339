"""Tables of the filings database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from filings.domain.forms import form_named


class Base(DeclarativeBase):
    pass


class IdCounter(Base):
    """The next value of a sequence of text IDs, allocated under a row lock in the caller's transaction."""

    __tablename__ = "id_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger)


class Entity(Base):
    """A filing entity: a committee, candidate, lobbyist, lobbying firm or employer, in one space.

    Sandbox entities (IDs starting with "S") exist only for vendors testing their software; they are never public.
    """

    __tablename__ = "entities"

    entity_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    entity_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    space: Mapped[str] = mapped_column(String(20), default="production")
    legacy: Mapped[bool] = mapped_column(Boolean, default=False)
    """Migrated from CAL-ACCESS, keeping its legacy filer ID."""
    registered_on: Mapped[date] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Not every entity type declares an address, an e-mail or a treasurer (a lobbyist has no treasurer).
    street: Mapped[str | None] = mapped_column(String(200), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    zip: Mapped[str | None] = mapped_column(String(10), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    treasurer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_by: Mapped[str] = mapped_column(String(80))
    """The principal whose registration created the entity (a user id, or "vendor:<id>" in the sandbox)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EntityAgent(Base):
    """A user who may act for an entity, with their role (officer, agent or viewer).

    Projected from accounts' link events; it answers whether a signer held the role when a filing was checked.
    """

    __tablename__ = "entity_agents"

    # No foreign key to entities: approvals from accounts may name entities imported here later.
    entity_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))


class Filing(Base):
    """One version of a filing; an amendment resubmits the whole filing under the same ID, one number higher.

    The form's record parts (cover, summary...) are in `records`; its line items are in `filing_lines`.
    """

    __tablename__ = "filings"
    __table_args__ = (Index("ix_filings_entity_form_period", "entity_id", "form", "period_start"),)

    filing_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    amendment: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"), index=True)
    form: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    space: Mapped[str] = mapped_column(String(20), default="production")
    status: Mapped[str] = mapped_column(String(20))
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """When CARS received the submission: the filing date, however long checking took."""
    filed_by: Mapped[str] = mapped_column(String(80))
    """The principal that submitted it: a user id, or "vendor:<id>" for vendor software."""
    vendor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    verification_statement: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    records: Mapped[dict[str, Any]] = mapped_column(JSON)
    line_counts: Mapped[dict[str, int]] = mapped_column(JSON)
    totals: Mapped[dict[str, str]] = mapped_column(JSON)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    submission_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    source: Mapped[str] = mapped_column(String(10), default="cars", server_default="cars")
    """"cars" for filings made in CARS, "legacy" for filings migrated from CAL-ACCESS (their IDs are its FILING_IDs)."""

    @property
    def form_name(self) -> str:
        if self.source == "legacy":
            try:
                return form_named(self.form).name
            except KeyError:
                return f"CAL-ACCESS form {self.form}"
        return form_named(self.form).name


class FilingLine(Base):
    """One line item of a filing version (a Schedule A contribution, say), numbered from 1 within its part."""

    __tablename__ = "filing_lines"

    # No foreign key to filings: lines are written while the submission streams in, before the version row
    # (which needs the totals) exists, always in the same transaction, and a per-row check would slow the
    # bulk insert of large filings.
    filing_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    amendment: Mapped[int] = mapped_column(Integer, primary_key=True)
    part: Mapped[str] = mapped_column(String(40), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Submission(Base):
    """A filing as submitted (the raw document) and what checking it decided."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("submitted_by", "idempotency_key", name="uq_submissions_idempotency_key"),
        Index("ix_submissions_submitted_by_received_at", "submitted_by", "received_at", "submission_id"),
    )

    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    space: Mapped[str] = mapped_column(String(20))
    submitted_by: Mapped[str] = mapped_column(String(80))
    vendor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    form: Mapped[str | None] = mapped_column(String(10), nullable=True)
    entity_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    amends_filing_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    amends_amendment: Mapped[int | None] = mapped_column(Integer, nullable=True)
    filing_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    amendment: Mapped[int | None] = mapped_column(Integer, nullable=True)
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    warnings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    webhook_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)


class VendorStatus(Base):
    """Whether accounts has a vendor certified for production filing (projected from its vendor events)."""

    __tablename__ = "vendor_status"

    vendor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    certified: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """When accounts made the change (the event's occurred_at): an older event arriving late changes nothing."""


class LegacyImportRun(Base):
    """One run of `cars-migrate load` over a CAL-ACCESS export; an unfinished run resumes from its checkpoints."""

    __tablename__ = "legacy_import_runs"

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(1000), index=True)
    status: Mapped[str] = mapped_column(String(20))
    """running, then finished."""
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class LegacyTableCheckpoint(Base):
    """How far a run got in one table (the last line committed) and what it counted so far."""

    __tablename__ = "legacy_table_checkpoints"

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    line: Mapped[int] = mapped_column(BigInteger, default=1)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class LegacyQuarantinedRow(Base):
    """A line of the export that could not be loaded, with its raw bytes and why."""

    __tablename__ = "legacy_quarantined_rows"
    __table_args__ = (Index("ix_legacy_quarantined_rows_run_table", "run_id", "table_name", "line"),)

    quarantine_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(36))
    table_name: Mapped[str] = mapped_column(String(60))
    line: Mapped[int] = mapped_column(BigInteger)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    reason: Mapped[str] = mapped_column(String(500))


class LegacyRowHash(Base):
    """The content hash of each migrated row by its natural key: a newer export applies only rows that changed."""

    __tablename__ = "legacy_row_hashes"

    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    record_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    row_hash: Mapped[str] = mapped_column(String(32))
    run_id: Mapped[str] = mapped_column(String(36))


class LegacyWithdrawnKey(Base):
    """A key on file that a full export, read to its table's end, no longer held: kept, listed by that run."""

    __tablename__ = "legacy_withdrawn_keys"

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    record_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    row_hash: Mapped[str] = mapped_column(String(32))
    last_run_id: Mapped[str] = mapped_column(String(36))


class LegacyFilerName(Base):
    """A name a CAL-ACCESS filer held (FILERNAME_CD): an entity's name is its latest one."""

    __tablename__ = "legacy_filer_names"

    record_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    filer_id: Mapped[str] = mapped_column(String(20), index=True)
    xref_filer_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    entity_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    effective: Mapped[str | None] = mapped_column(String(30), nullable=True)
    """ISO date the name took effect; null when the export's date was blank or impossible (kept in `data`)."""
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    run_id: Mapped[str] = mapped_column(String(36))


class LegacyFilerXref(Base):
    """Another ID a CAL-ACCESS filer is known by (FILER_XREF_CD): some cover pages name filers by it."""

    __tablename__ = "legacy_filer_xrefs"

    filer_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    xref_id: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class LegacyLookupCode(Base):
    """A code of CAL-ACCESS's lookup table (LOOKUP_CODES_CD) and what it means."""

    __tablename__ = "legacy_lookup_codes"

    code_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    code_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    description: Mapped[str] = mapped_column(String(500))


class LegacyFilingPeriod(Base):
    """A reporting period of CAL-ACCESS (FILING_PERIOD_CD); dates are ISO, or the raw text when impossible."""

    __tablename__ = "legacy_filing_periods"

    period_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    start_date: Mapped[str | None] = mapped_column(String(40), nullable=True)
    end_date: Mapped[str | None] = mapped_column(String(40), nullable=True)
    period_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    group_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    description: Mapped[str | None] = mapped_column(String(200), nullable=True)
    deadline: Mapped[str | None] = mapped_column(String(40), nullable=True)
    flags: Mapped[list[str]] = mapped_column(JSON)


class LegacyRecord(Base):
    """A row of a CAL-ACCESS table that has no other home in CARS, kept whole (its values by column)."""

    __tablename__ = "legacy_records"

    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    record_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
