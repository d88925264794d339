"""Notices recorded by their cause's handler and waiting for a render process.

Revision ID: 0004_pending_notices
Revises: 0003_reads_names_staff_log
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_pending_notices"
down_revision = "0003_reads_names_staff_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_notices",
        sa.Column("correspondence_id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("kind", sa.String(60), nullable=False, index=True),
        sa.Column("entity_id", sa.String(20)),
        sa.Column("user_id", sa.String(64)),
        sa.Column("cause", sa.String(200), nullable=False, unique=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("correlation_id", sa.String(200)),
        sa.Column("claimed_by", sa.String(36), index=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("pending_notices")
