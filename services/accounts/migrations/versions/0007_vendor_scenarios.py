"""When filings reported that a vendor's sandbox submissions passed every certification scenario.

Revision ID: 0007_vendor_scenarios
Revises: 0006_access_code_failures
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_vendor_scenarios"
down_revision = "0006_access_code_failures"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("vendors") as vendors:
        vendors.add_column(sa.Column("scenarios_passed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("vendors") as vendors:
        vendors.drop_column("scenarios_passed_at")
