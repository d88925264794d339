"""Read marks per user, entity names for letters, and the append-only staff action log.

Revision ID: 0003_reads_names_staff_log
Revises: 0002_access_code_letters
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_reads_names_staff_log"
down_revision = "0002_access_code_letters"
branch_labels = None
depends_on = None

SEQUENCE = sa.BigInteger().with_variant(sa.Integer, "sqlite")

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION staff_action_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the staff action log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_index("ix_correspondence_kind", "correspondence", ["kind"])
    op.create_table(
        "correspondence_reads",
        sa.Column(
            "correspondence_id",
            sa.String(36),
            sa.ForeignKey("correspondence.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.String(64), primary_key=True, index=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "entity_names",
        sa.Column("entity_id", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "staff_action_log",
        sa.Column("id", SEQUENCE, primary_key=True, autoincrement=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor_id", sa.String(64), nullable=False, index=True),
        sa.Column("client", sa.String(200), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("correspondence_id", sa.String(36), nullable=False, index=True),
        sa.Column("entity_id", sa.String(20), nullable=True, index=True),
        sa.Column("note", sa.Text, nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER staff_action_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON staff_action_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION staff_action_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS staff_action_log_append_only ON staff_action_log")
        op.execute("DROP FUNCTION IF EXISTS staff_action_log_append_only()")
    op.drop_table("staff_action_log")
    op.drop_table("entity_names")
    op.drop_table("correspondence_reads")
    op.drop_index("ix_correspondence_kind", table_name="correspondence")
