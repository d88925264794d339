"""Correspondence, its number counters, entity access, outbox and inbox.

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
        "correspondence",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("entity_id", sa.String(20), nullable=True, index=True),
        sa.Column("user_id", sa.String(64), nullable=True, index=True),
        sa.Column("template_version", sa.String(60), nullable=False),
        sa.Column("blob_key", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
        sa.Column("cause", sa.String(200), nullable=False, unique=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "correspondence_counters",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_sequence", sa.Integer, nullable=False),
    )
    op.create_table(
        "entity_access",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("entity_id", sa.String(20), primary_key=True, index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("entity_access")
    op.drop_table("correspondence_counters")
    op.drop_table("correspondence")
    drop_messaging_tables(op.get_bind())
