"""A first migration shaped like every service's: the messaging tables and one table of its own."""

import sqlalchemy as sa
from alembic import op

from cars_shared.migrate import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None


def upgrade():
    create_messaging_tables(op.get_bind())
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.Text, nullable=False))


def downgrade():
    op.drop_table("notes")
    drop_messaging_tables(op.get_bind())
