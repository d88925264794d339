"""Feed partners (subscribers to public events) and their API keys.

Revision ID: 0008_feed_partners
Revises: 0007_vendor_scenarios
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_feed_partners"
down_revision = "0007_vendor_scenarios"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_partners",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(40), nullable=False, unique=True),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amqp_password_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "feed_partner_credentials",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "feed_partner_id",
            sa.String(36),
            sa.ForeignKey("feed_partners.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("key_id", sa.String(40), nullable=False, unique=True),
        sa.Column("secret_salt", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("previous_secret_salt", sa.String(64), nullable=True),
        sa.Column("previous_secret_hash", sa.String(64), nullable=True),
        sa.Column("previous_secret_valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("feed_partner_credentials")
    op.drop_table("feed_partners")
