"""Keys a full CAL-ACCESS export no longer holds: kept on file (public records), listed by the run that found them.

Revision ID: 0008_legacy_withdrawn_keys
Revises: 0007_submission_body_lz4
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_legacy_withdrawn_keys"
down_revision = "0007_submission_body_lz4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legacy_withdrawn_keys",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("table_name", sa.String(60), primary_key=True),
        sa.Column("record_key", sa.String(200), primary_key=True),
        sa.Column("row_hash", sa.String(32), nullable=False),
        sa.Column("last_run_id", sa.String(36), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("legacy_withdrawn_keys")
