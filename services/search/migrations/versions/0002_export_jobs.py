"""Export jobs: asynchronous exports of search results, resumable by batch.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("user_id", sa.String(64)),
        sa.Column("email", sa.String(320)),
        sa.Column("requester_key", sa.String(80), nullable=False),
        sa.Column("total", sa.Integer),
        sa.Column("rows_written", sa.Integer, nullable=False),
        sa.Column("byte_offset", sa.BigInteger, nullable=False),
        sa.Column("cursor", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("format IN ('csv', 'jsonl')", name="ck_export_job_format"),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')", name="ck_export_job_status"),
        sa.Index("ix_export_jobs_status_lease", "status", "lease_until"),
        sa.Index("ix_export_jobs_requester_created", "requester_key", "created_at"),
        sa.Index("ix_export_jobs_user_created", "user_id", "created_at"),
    )


def downgrade() -> None:
    op.drop_table("export_jobs")
