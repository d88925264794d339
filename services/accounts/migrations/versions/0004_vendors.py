"""Vendor organisations, API credentials and entity authorisations.

Revision ID: 0004_vendors
Revises: 0003_links_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_vendors"
down_revision = "0003_links_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("certified", sa.Boolean, nullable=False),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "vendor_managers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "vendor_id", sa.String(36), sa.ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("vendor_id", "user_id", name="uq_vendor_manager"),
    )
    op.create_table(
        "vendor_credentials",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "vendor_id", sa.String(36), sa.ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False, index=True
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
    op.create_table(
        "vendor_authorisations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "vendor_id", sa.String(36), sa.ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("entity_id", sa.String(40), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("authorised_by", sa.String(64), nullable=False),
        sa.Column("authorised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("vendor_id", "entity_id", name="uq_vendor_authorisation"),
    )
    op.create_table(
        "vendor_key_failures",
        sa.Column("key_id", sa.String(40), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("vendor_key_failures")
    op.drop_table("vendor_authorisations")
    op.drop_table("vendor_credentials")
    op.drop_table("vendor_managers")
    op.drop_table("vendors")
