"""Fee assessments, outbox and inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from cars_shared.migrate import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op.get_bind())
    op.create_table(
        "fee_assessments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("entity_id", sa.String(20), nullable=False, index=True),
        sa.Column("entity_name", sa.String(300), nullable=False),
        sa.Column("fee_year", sa.Integer, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("late_penalty_cents", sa.Integer, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cause_event_id", sa.String(36), nullable=False),
        sa.UniqueConstraint("entity_id", "fee_year", name="uq_fee_assessment_entity_year"),
    )


def downgrade() -> None:
    op.drop_table("fee_assessments")
    drop_messaging_tables(op.get_bind())
