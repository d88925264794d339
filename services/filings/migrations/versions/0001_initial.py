"""Entities, their agents, filings, the entity ID counter, outbox and inbox.

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

FIRST_ENTITY_ID = 2_000_000


def upgrade() -> None:
    create_messaging_tables(op.get_bind())
    counters = op.create_table(
        "id_counters",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("next_value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(counters, [{"name": "entity_id", "next_value": FIRST_ENTITY_ID}])
    op.create_table(
        "entities",
        sa.Column("entity_id", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("entity_type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("zip", sa.String(10), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("treasurer_name", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "entity_agents",
        sa.Column("entity_id", sa.String(20), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
    )
    op.create_index("ix_entity_agents_user_id", "entity_agents", ["user_id"])
    op.create_table(
        "filings",
        sa.Column("filing_id", sa.String(36), primary_key=True),
        sa.Column("amendment", sa.Integer, primary_key=True),
        sa.Column("entity_id", sa.String(20), sa.ForeignKey("entities.entity_id"), nullable=False),
        sa.Column("form", sa.String(10), nullable=False),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(64), nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_index("ix_filings_entity_id", "filings", ["entity_id"])


def downgrade() -> None:
    op.drop_table("filings")
    op.drop_table("entity_agents")
    op.drop_table("entities")
    op.drop_table("id_counters")
    drop_messaging_tables(op.get_bind())
