"""Failed attempts to claim a migrated entity with an access code, counted for throttling.

Revision ID: 0006_access_code_failures
Revises: 0005_sealed_secrets
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_access_code_failures"
down_revision = "0005_sealed_secrets"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "access_code_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("throttle_key", sa.String(80), nullable=False, index=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("access_code_failures")
