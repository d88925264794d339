"""Submissions, filing versions with their line items, and the sandbox space.

Entities gain their space, the legacy flag, a termination date and optional address fields. Each filing
version keeps its record parts in `records` and its line items in `filing_lines`; the content of versions
filed before this revision is moved there (scalar fields into one record part, lists into line items).

Revision ID: 0002_submissions
Revises: 0001
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002_submissions"
down_revision = "0001"
branch_labels = None
depends_on = None

SANDBOX_ENTITY_COUNTER = "sandbox_entity_id"
FIRST_SANDBOX_ENTITY_NUMBER = 1
OPTIONAL_ENTITY_FIELDS = (
    ("street", 200),
    ("city", 100),
    ("state", 2),
    ("zip", 10),
    ("email", 254),
    ("treasurer_name", 200),
)
# The forms filed before this revision, as they stood then: registrations kept their fields on a cover page,
# reports their summary totals on a summary page.
REGISTRATION_FORMS = frozenset({"F410", "F501", "F601", "F603", "F604"})
PERIOD_FIELDS = ("period_start", "period_end")
TOTALS_OF_REPORTS = ("contributions_received", "expenditures_made")

filings_table = sa.table(
    "filings",
    sa.column("filing_id", sa.String),
    sa.column("amendment", sa.Integer),
    sa.column("form", sa.String),
    sa.column("filed_by", sa.String),
    sa.column("content", sa.JSON),
    sa.column("records", sa.JSON),
    sa.column("line_counts", sa.JSON),
    sa.column("totals", sa.JSON),
    sa.column("warnings", sa.JSON),
    sa.column("signer_id", sa.String),
    sa.column("space", sa.String),
    sa.column("period_start", sa.Date),
    sa.column("period_end", sa.Date),
)
lines_table = sa.table(
    "filing_lines",
    sa.column("filing_id", sa.String),
    sa.column("amendment", sa.Integer),
    sa.column("part", sa.String),
    sa.column("line", sa.Integer),
    sa.column("data", sa.JSON),
)


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _disable_sqlite_foreign_keys() -> None:
    # SQLite rebuilds a table to change a column's nullability; with foreign keys enforced it refuses to drop
    # a table that filings refer to (SQLite's documented ALTER TABLE procedure turns them off meanwhile).
    # The pragma takes effect outside a transaction: upgrading a database that already holds rows. A fresh
    # database migrated in one go has started its transaction already, but has no rows to refuse over.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=OFF")


def _check_sqlite_foreign_keys() -> None:
    if op.get_bind().dialect.name == "sqlite":
        broken = op.get_bind().execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    _disable_sqlite_foreign_keys()
    op.bulk_insert(
        sa.table("id_counters", sa.column("name", sa.String), sa.column("next_value", sa.BigInteger)),
        [{"name": SANDBOX_ENTITY_COUNTER, "next_value": FIRST_SANDBOX_ENTITY_NUMBER}],
    )
    with op.batch_alter_table("entities") as entities:
        entities.add_column(sa.Column("space", sa.String(20), nullable=False, server_default="production"))
        entities.add_column(sa.Column("legacy", sa.Boolean, nullable=False, server_default=sa.false()))
        entities.add_column(sa.Column("terminated_on", sa.Date))
        for name, length in OPTIONAL_ENTITY_FIELDS:
            entities.alter_column(name, existing_type=sa.String(length), nullable=True)
        entities.alter_column("created_by", existing_type=sa.String(64), type_=sa.String(80))

    op.create_table(
        "filing_lines",
        sa.Column("filing_id", sa.String(36), primary_key=True),
        sa.Column("amendment", sa.Integer, primary_key=True),
        sa.Column("part", sa.String(40), primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
    )
    with op.batch_alter_table("filings") as filings:
        filings.add_column(sa.Column("space", sa.String(20), nullable=False, server_default="production"))
        filings.add_column(sa.Column("vendor_id", sa.String(64)))
        filings.add_column(sa.Column("signer_id", sa.String(64)))
        filings.add_column(sa.Column("signer_name", sa.String(200)))
        filings.add_column(sa.Column("verification_statement", sa.String(1000)))
        filings.add_column(sa.Column("records", sa.JSON))
        filings.add_column(sa.Column("line_counts", sa.JSON))
        filings.add_column(sa.Column("totals", sa.JSON))
        filings.add_column(sa.Column("warnings", sa.JSON))
        filings.add_column(sa.Column("submission_id", sa.String(36)))
        filings.alter_column("filed_by", existing_type=sa.String(64), type_=sa.String(80))
    _move_content_into_parts()
    with op.batch_alter_table("filings") as filings:
        for name in ("records", "line_counts", "totals", "warnings"):
            filings.alter_column(name, existing_type=sa.JSON, nullable=False)
        filings.drop_column("content")
    op.create_index("ix_filings_entity_form_period", "filings", ["entity_id", "form", "period_start"])

    op.create_table(
        "submissions",
        sa.Column("submission_id", sa.String(36), primary_key=True),
        sa.Column("space", sa.String(20), nullable=False),
        sa.Column("submitted_by", sa.String(80), nullable=False),
        sa.Column("vendor_id", sa.String(64)),
        sa.Column("idempotency_key", sa.String(255)),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("form", sa.String(10)),
        sa.Column("entity_id", sa.String(20)),
        sa.Column("amends_filing_id", sa.String(36)),
        sa.Column("amends_amendment", sa.Integer),
        sa.Column("filing_id", sa.String(36)),
        sa.Column("amendment", sa.Integer),
        sa.Column("errors", sa.JSON),
        sa.Column("warnings", sa.JSON),
        sa.Column("webhook_url", sa.String(2000)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("submitted_by", "idempotency_key", name="uq_submissions_idempotency_key"),
    )
    op.create_index(
        "ix_submissions_submitted_by_received_at", "submissions", ["submitted_by", "received_at", "submission_id"]
    )
    op.create_table(
        "vendor_status",
        sa.Column("vendor_id", sa.String(64), primary_key=True),
        sa.Column("certified", sa.Boolean, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    _check_sqlite_foreign_keys()


def _move_content_into_parts() -> None:
    """Each version's content as record parts and line items, as the filings of this revision keep them."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            filings_table.c.filing_id,
            filings_table.c.amendment,
            filings_table.c.form,
            filings_table.c.filed_by,
            filings_table.c.content,
        )
    ).all()
    for filing_id, amendment, form, filed_by, content in rows:
        content = _loaded(content) or {}
        part = "cover" if form in REGISTRATION_FORMS else "summary"
        record = {
            name: value
            for name, value in content.items()
            if name not in PERIOD_FIELDS and not isinstance(value, list | dict)
        }
        line_parts = {name: value for name, value in content.items() if isinstance(value, list)}
        for name, lines in line_parts.items():
            if lines:
                connection.execute(
                    sa.insert(lines_table),
                    [
                        {"filing_id": filing_id, "amendment": amendment, "part": name, "line": number, "data": line}
                        for number, line in enumerate(lines, start=1)
                    ],
                )
        totals = {name: record[name] for name in TOTALS_OF_REPORTS if name in record and part == "summary"}
        connection.execute(
            sa.update(filings_table)
            .where(filings_table.c.filing_id == filing_id, filings_table.c.amendment == amendment)
            .values(
                records={part: record},
                line_counts={name: len(lines) for name, lines in line_parts.items()},
                totals=totals,
                warnings=[],
                # Before this revision the filer was the one who signed.
                signer_id=filed_by,
            )
        )


def _content_of_parts() -> None:
    """Downgrading: each version's parts and line items back into one content document."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            filings_table.c.filing_id,
            filings_table.c.amendment,
            filings_table.c.records,
            filings_table.c.line_counts,
            filings_table.c.period_start,
            filings_table.c.period_end,
        )
    ).all()
    for filing_id, amendment, records, line_counts, period_start, period_end in rows:
        content: dict[str, Any] = {}
        if period_start is not None:
            content["period_start"] = period_start.isoformat()
        if period_end is not None:
            content["period_end"] = period_end.isoformat()
        for record in (_loaded(records) or {}).values():
            content.update(record)
        for part in _loaded(line_counts) or {}:
            content[part] = [
                _loaded(data)
                for (data,) in connection.execute(
                    sa.select(lines_table.c.data)
                    .where(
                        lines_table.c.filing_id == filing_id,
                        lines_table.c.amendment == amendment,
                        lines_table.c.part == part,
                    )
                    .order_by(lines_table.c.line)
                )
            ]
        connection.execute(
            sa.update(filings_table)
            .where(filings_table.c.filing_id == filing_id, filings_table.c.amendment == amendment)
            .values(content=content)
        )


def downgrade() -> None:
    _disable_sqlite_foreign_keys()
    op.drop_table("vendor_status")
    op.drop_index("ix_submissions_submitted_by_received_at", "submissions")
    op.drop_table("submissions")
    # The sandbox space did not exist before this revision.
    op.execute(
        sa.text("DELETE FROM filing_lines WHERE filing_id IN (SELECT filing_id FROM filings WHERE space = 'sandbox')")
    )
    op.execute(sa.text("DELETE FROM filings WHERE space = 'sandbox'"))
    op.execute(sa.text("DELETE FROM entities WHERE space = 'sandbox'"))
    op.drop_index("ix_filings_entity_form_period", "filings")
    with op.batch_alter_table("filings") as filings:
        filings.add_column(sa.Column("content", sa.JSON))
    _content_of_parts()
    with op.batch_alter_table("filings") as filings:
        filings.alter_column("content", existing_type=sa.JSON, nullable=False)
        filings.alter_column("filed_by", existing_type=sa.String(80), type_=sa.String(64))
        for name in (
            "submission_id",
            "warnings",
            "totals",
            "line_counts",
            "records",
            "verification_statement",
            "signer_name",
            "signer_id",
            "vendor_id",
            "space",
        ):
            filings.drop_column(name)
    op.drop_table("filing_lines")
    for name, _length in OPTIONAL_ENTITY_FIELDS:
        column = sa.column(name, sa.String)
        op.execute(sa.update(sa.table("entities", column)).where(column.is_(None)).values({name: ""}))
    with op.batch_alter_table("entities") as entities:
        for name, length in OPTIONAL_ENTITY_FIELDS:
            entities.alter_column(name, existing_type=sa.String(length), nullable=False)
        entities.alter_column("created_by", existing_type=sa.String(80), type_=sa.String(64))
        entities.drop_column("terminated_on")
        entities.drop_column("legacy")
        entities.drop_column("space")
    counters = sa.table("id_counters", sa.column("name", sa.String))
    op.execute(sa.delete(counters).where(counters.c.name == SANDBOX_ENTITY_COUNTER))
    _check_sqlite_foreign_keys()
