"""Entity link requests, roles, partner grants and the audit log.

Revision ID: 0003_links_audit
Revises: 0002_identity
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_links_audit"
down_revision = "0002_identity"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
SEQUENCE = sa.BigInteger().with_variant(sa.Integer, "sqlite")

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "known_entities",
        sa.Column("entity_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("street", sa.String(200), nullable=True),
        sa.Column("city", sa.String(100), nullable=True),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("zip", sa.String(10), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "entity_access_codes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("entity_id", sa.String(40), nullable=False, index=True),
        sa.Column("code_digest", sa.String(64), nullable=False),
        sa.Column("issued_by", sa.String(36), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(36), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "partner_grants",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "partner_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("entity_id", sa.String(40), nullable=False, index=True),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("granted_by", sa.String(36), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(36), nullable=True),
    )
    op.create_index("ix_entity_links_status_entity", "entity_links", ["status", "entity_id"])
    op.create_table(
        "audit_log",
        sa.Column("sequence", SEQUENCE, primary_key=True, autoincrement=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor_id", sa.String(64), nullable=True, index=True),
        sa.Column("action", sa.String(80), nullable=False, index=True),
        sa.Column("target", sa.String(200), nullable=True, index=True),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("client", sa.String(200), nullable=True),
        sa.Column("detail", sa.JSON, nullable=True),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_sequence", SEQUENCE, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "last_sequence": 0, "last_hash": GENESIS_HASH}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("audit_chain_head")
    op.drop_table("audit_log")
    op.drop_index("ix_entity_links_status_entity", table_name="entity_links")
    op.drop_table("partner_grants")
    op.drop_table("entity_access_codes")
    op.drop_table("known_entities")
