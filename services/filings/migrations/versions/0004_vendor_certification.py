"""Vendor webhook endpoints and deliveries, and certification scenario results.

Revision ID: 0004_vendor_certification
Revises: 0003_deadlines
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_vendor_certification"
down_revision = "0003_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor_webhook_endpoints",
        sa.Column("vendor_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("signing_secret", sa.String(100), nullable=False),
        sa.Column("secret_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "vendor_webhook_deliveries",
        sa.Column("delivery_id", sa.String(36), primary_key=True),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("submission_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("url", sa.String(2000)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="ck_webhook_status"),
    )
    op.create_index("ix_vendor_webhook_deliveries_due", "vendor_webhook_deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_vendor_webhook_deliveries_vendor", "vendor_webhook_deliveries", ["vendor_id", "created_at"])
    op.create_table(
        "vendor_scenario_results",
        sa.Column("vendor_id", sa.String(64), primary_key=True),
        sa.Column("scenario", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("passed_submission_id", sa.String(36)),
        sa.Column("passed_filing_id", sa.String(36)),
        sa.Column("passed_at", sa.DateTime(timezone=True)),
        sa.Column("last_attempt_submission_id", sa.String(36), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failure", sa.Text),
        sa.CheckConstraint("status IN ('passed', 'failing')", name="ck_scenario_status"),
    )
    op.create_table(
        "vendor_certifications",
        sa.Column("vendor_id", sa.String(64), primary_key=True),
        sa.Column("all_passed_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("vendor_certifications")
    op.drop_table("vendor_scenario_results")
    op.drop_index("ix_vendor_webhook_deliveries_vendor", "vendor_webhook_deliveries")
    op.drop_index("ix_vendor_webhook_deliveries_due", "vendor_webhook_deliveries")
    op.drop_table("vendor_webhook_deliveries")
    op.drop_table("vendor_webhook_endpoints")
