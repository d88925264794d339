"""Filing obligations and the late filings found.

Revision ID: 0003_deadlines
Revises: 0002_submissions
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_deadlines"
down_revision = "0002_submissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
