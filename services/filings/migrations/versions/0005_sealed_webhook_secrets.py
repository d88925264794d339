"""Vendor webhook signing secrets encrypted at rest with the filings data keys (FILINGS_DATA_KEY or its file).

Revision ID: 0005_sealed_webhook_secrets
Revises: 0004_vendor_certification
"""

import sqlalchemy as sa
from alembic import op

from cars_shared.data_keys import SEALED_PREFIX
from filings.data_keys import data_key_ring

revision = "0005_sealed_webhook_secrets"
down_revision = "0004_vendor_certification"
branch_labels = None
depends_on = None

TABLE, KEY, COLUMN = "vendor_webhook_endpoints", "vendor_id", "signing_secret"
CONTEXT = f"{TABLE}.{COLUMN}"
"""Each value is sealed for "table.column", as the model reads it."""
PLAIN_SECRET_LENGTH = 100


def rewrite(change):
    """Apply `change` to every signing secret, row by row (a vendor has one endpoint: few rows)."""
    table = sa.table(TABLE, sa.column(KEY, sa.String), sa.column(COLUMN, sa.Text))
    bind = op.get_bind()
    for vendor_id, value in bind.execute(sa.select(table.c[KEY], table.c[COLUMN])).all():
        bind.execute(sa.update(table).where(table.c[KEY] == vendor_id).values({COLUMN: change(value)}))


def seal(value):
    # A value sealed already (an upgrade run again after a partial failure) stays as it is.
    return value if value.startswith(SEALED_PREFIX) else data_key_ring().seal(value, CONTEXT)


def upgrade():
    with op.batch_alter_table(TABLE) as endpoints:
        endpoints.alter_column(
            COLUMN, type_=sa.Text, existing_type=sa.String(PLAIN_SECRET_LENGTH), existing_nullable=False
        )
    rewrite(seal)


def downgrade():
    rewrite(lambda value: data_key_ring().open(value, CONTEXT))
    with op.batch_alter_table(TABLE) as endpoints:
        endpoints.alter_column(
            COLUMN, type_=sa.String(PLAIN_SECRET_LENGTH), existing_type=sa.Text, existing_nullable=False
        )
