"""The print queue of Entity Access Code Letters: the letters, their PDFs while waiting, the staff log.

Revision ID: 0002_access_code_letters
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_access_code_letters"
down_revision = "0001"
branch_labels = None
depends_on = None

SEQUENCE = sa.BigInteger().with_variant(sa.Integer, "sqlite")

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION print_queue_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the print queue log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "access_code_letters",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("code_id", sa.String(36), nullable=False, unique=True),
        sa.Column("entity_id", sa.String(40), nullable=False, index=True),
        sa.Column("entity_name", sa.String(200), nullable=False),
        sa.Column("street", sa.String(200), nullable=True),
        sa.Column("city", sa.String(100), nullable=True),
        sa.Column("state", sa.String(20), nullable=True),
        sa.Column("zip", sa.String(20), nullable=True),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("code_issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("template_version", sa.String(60), nullable=True),
        sa.Column("print_count", sa.Integer, nullable=False),
        sa.Column("last_printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_printed_by", sa.String(64), nullable=True),
        sa.Column("mailed_on", sa.Date, nullable=True),
        sa.Column("mailed_by", sa.String(64), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "access_code_letter_documents",
        sa.Column(
            "letter_id",
            sa.String(36),
            sa.ForeignKey("access_code_letters.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "print_queue_log",
        sa.Column("id", SEQUENCE, primary_key=True, autoincrement=True),
        sa.Column("action_id", sa.String(36), nullable=False, index=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor_id", sa.String(64), nullable=False, index=True),
        sa.Column("client", sa.String(200), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("letter_id", sa.String(36), nullable=False, index=True),
        sa.Column("note", sa.Text, nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER print_queue_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON print_queue_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION print_queue_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS print_queue_log_append_only ON print_queue_log")
        op.execute("DROP FUNCTION IF EXISTS print_queue_log_append_only()")
    op.drop_table("print_queue_log")
    op.drop_table("access_code_letter_documents")
    op.drop_table("access_code_letters")
