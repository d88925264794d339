"""Saved searches: a person's named searches and reports, their alert schedule and share link.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("report", sa.JSON),
        sa.Column("schedule", sa.String(10), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True)),
        sa.Column("last_run_at", sa.DateTime(timezone=True)),
        sa.Column("watermark_dated_at", sa.DateTime(timezone=True)),
        sa.Column("watermark_id", sa.String(200)),
        sa.Column("share_token", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_search_user_name"),
        sa.UniqueConstraint("share_token", name="uq_saved_search_share_token"),
        sa.CheckConstraint("schedule IN ('never', 'daily', 'weekly')", name="ck_saved_search_schedule"),
        sa.Index("ix_saved_searches_schedule_due", "schedule", "next_run_at"),
        sa.Index("ix_saved_searches_user_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("saved_searches")
