"""Filing obligations and the late filings found.

Revision ID: 0003_deadlines
Revises: 0002_submissions
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_deadlines"
down_revision = "0002_submissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "late_filings",
        sa.Column("entity_id", sa.String(20), sa.ForeignKey("entities.entity_id"), primary_key=True),
        sa.Column("form", sa.String(10), primary_key=True),
        sa.Column("period_start", sa.Date, primary_key=True),
        sa.Column("period_end", sa.Date, primary_key=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
        sa.Column("found_missing", sa.Boolean, nullable=False),
        sa.Column("filing_id", sa.String(36)),
        sa.Column("filed_on", sa.Date),
        sa.Column("days_late", sa.Integer, nullable=False),
    )
    op.create_table(
        "deadline_runs",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("entities_checked", sa.Integer, nullable=False),
        sa.Column("found_missing", sa.Integer, nullable=False),
        sa.Column("found_filed_late", sa.Integer, nullable=False),
        sa.Column("arrived", sa.Integer, nullable=False),
    )
    op.create_index("ix_deadline_runs_as_of", "deadline_runs", ["as_of"])


def downgrade() -> None:
    op.drop_index("ix_deadline_runs_as_of", "deadline_runs")
    op.drop_table("deadline_runs")
    op.drop_table("late_filings")
