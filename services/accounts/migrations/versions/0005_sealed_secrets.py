"""TOTP secrets and signing keys encrypted at rest with the data keys (ACCOUNTS_DATA_KEY or its file).

Revision ID: 0005_sealed_secrets
Revises: 0004_vendors
"""

import sqlalchemy as sa
from alembic import op

from accounts.data_keys import data_key_ring
from cars_shared.data_keys import SEALED_PREFIX

revision = "0005_sealed_secrets"
down_revision = "0004_vendors"
branch_labels = None
depends_on = None

# (table, key column, sealed column); each value is sealed for "table.column", as the models read it.
SEALED = (
    ("users", "id", "mfa_secret"),
    ("users", "id", "mfa_pending_secret"),
    ("signing_keys", "kid", "private_pem"),
)
TOTP_SECRET_LENGTH = 64


def rewrite(table_name, key_name, column_name, change):
    """Apply `change` to every non-null value of the column, row by row."""
    table = sa.table(table_name, sa.column(key_name, sa.String), sa.column(column_name, sa.Text))
    key, column = table.c[key_name], table.c[column_name]
    bind = op.get_bind()
    for row in bind.execute(sa.select(key, column).where(column.is_not(None))).all():
        bind.execute(sa.update(table).where(key == row[0]).values({column_name: change(row[1])}))


def upgrade():
    with op.batch_alter_table("users") as users:
        for column in ("mfa_secret", "mfa_pending_secret"):
            users.alter_column(
                column, type_=sa.Text, existing_type=sa.String(TOTP_SECRET_LENGTH), existing_nullable=True
            )
    for table_name, key_name, column_name in SEALED:
        context = f"{table_name}.{column_name}"

        def seal(value, context=context):
            # A value sealed already (an upgrade run again after a partial failure) stays as it is.
            return value if value.startswith(SEALED_PREFIX) else data_key_ring().seal(value, context)

        rewrite(table_name, key_name, column_name, seal)


def downgrade():
    for table_name, key_name, column_name in SEALED:
        context = f"{table_name}.{column_name}"
        rewrite(table_name, key_name, column_name, lambda value, context=context: data_key_ring().open(value, context))
    with op.batch_alter_table("users") as users:
        for column in ("mfa_secret", "mfa_pending_secret"):
            users.alter_column(
                column, type_=sa.String(TOTP_SECRET_LENGTH), existing_type=sa.Text, existing_nullable=True
            )
