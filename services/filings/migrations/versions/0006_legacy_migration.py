"""What migrating CAL-ACCESS's raw export needs: import runs and their checkpoints, quarantined rows, row hashes
for incremental loads, filer names and cross-references, reference tables, kept records, and a `source` marker
on filings.

Revision ID: 0006_legacy_migration
Revises: 0005_sealed_webhook_secrets
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_legacy_migration"
down_revision = "0005_sealed_webhook_secrets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("filings") as filings:
        filings.add_column(sa.Column("source", sa.String(10), nullable=False, server_default="cars"))
    op.create_table(
        "legacy_import_runs",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("report", sa.JSON),
    )
    op.create_index("ix_legacy_import_runs_source", "legacy_import_runs", ["source"])
    op.create_table(
        "legacy_table_checkpoints",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("table_name", sa.String(60), primary_key=True),
        sa.Column("line", sa.BigInteger, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
    )
    op.create_table(
        "legacy_quarantined_rows",
        sa.Column("quarantine_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("table_name", sa.String(60), nullable=False),
        sa.Column("line", sa.BigInteger, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_index("ix_legacy_quarantined_rows_run_table", "legacy_quarantined_rows", ["run_id", "table_name", "line"])
    op.create_table(
        "legacy_row_hashes",
        sa.Column("table_name", sa.String(60), primary_key=True),
        sa.Column("record_key", sa.String(200), primary_key=True),
        sa.Column("row_hash", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
    )
    op.create_table(
        "legacy_filer_names",
        sa.Column("record_key", sa.String(80), primary_key=True),
        sa.Column("filer_id", sa.String(20), nullable=False),
        sa.Column("xref_filer_id", sa.String(20)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("entity_type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("effective", sa.String(30)),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_legacy_filer_names_filer_id", "legacy_filer_names", ["filer_id"])
    op.create_table(
        "legacy_filer_xrefs",
        sa.Column("filer_id", sa.String(20), primary_key=True),
        sa.Column("xref_id", sa.String(20), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_legacy_filer_xrefs_xref_id", "legacy_filer_xrefs", ["xref_id"])
    op.create_table(
        "legacy_lookup_codes",
        sa.Column("code_type", sa.String(20), primary_key=True),
        sa.Column("code_id", sa.String(20), primary_key=True),
        sa.Column("description", sa.String(500), nullable=False),
    )
    op.create_table(
        "legacy_filing_periods",
        sa.Column("period_id", sa.String(20), primary_key=True),
        sa.Column("start_date", sa.String(40)),
        sa.Column("end_date", sa.String(40)),
        sa.Column("period_type", sa.String(20)),
        sa.Column("group_type", sa.String(20)),
        sa.Column("description", sa.String(200)),
        sa.Column("deadline", sa.String(40)),
        sa.Column("flags", sa.JSON, nullable=False),
    )
    op.create_table(
        "legacy_records",
        sa.Column("table_name", sa.String(60), primary_key=True),
        sa.Column("record_key", sa.String(200), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "legacy_records",
        "legacy_filing_periods",
        "legacy_lookup_codes",
        "legacy_filer_xrefs",
        "legacy_filer_names",
        "legacy_row_hashes",
        "legacy_quarantined_rows",
        "legacy_table_checkpoints",
        "legacy_import_runs",
    ):
        op.drop_table(table)
    with op.batch_alter_table("filings") as filings:
        filings.drop_column("source")
