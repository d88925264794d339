"""Entities: the form that put each one on file (a lobbyist employer on file only by its reports owes no fee).

Revision ID: 0004_entity_registration_form
Revises: 0003_payments
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_entity_registration_form"
down_revision = "0003_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entities") as table:
        table.add_column(sa.Column("registration_form", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entities") as table:
        table.drop_column("registration_form")
