"""Vendor status, certification scenario results and webhook deliveries.

Revision ID: 0004_vendor_certification
Revises: 0003_deadlines
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_vendor_certification"
down_revision = "0003_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
