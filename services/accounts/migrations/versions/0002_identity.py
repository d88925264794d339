"""Identity: e-mail verification, password reset, MFA, sessions and sign-in throttling.

Revision ID: 0002_identity
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_identity"
down_revision = "0001"
branch_labels = None
depends_on = None


def user_fk() -> sa.Column:
    return sa.Column(
        "user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
        users.add_column(sa.Column("mfa_secret", sa.String(64), nullable=True))
        users.add_column(sa.Column("mfa_pending_secret", sa.String(64), nullable=True))
        users.add_column(sa.Column("mfa_enabled_at", sa.DateTime(timezone=True), nullable=True))
        users.add_column(sa.Column("mfa_last_step", sa.Integer, nullable=True))
    op.create_table(
        "one_time_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        user_fk(),
        sa.Column("purpose", sa.String(30), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        user_fk(),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "mfa_challenges",
        sa.Column("challenge_hash", sa.String(64), primary_key=True),
        user_fk(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        user_fk(),
        sa.Column("amr", sa.JSON, nullable=False),
        sa.Column("client", sa.String(100), nullable=True),
        sa.Column("user_agent", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(40), nullable=True),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "session_id",
            sa.String(36),
            sa.ForeignKey("user_sessions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("throttle_key", sa.String(80), nullable=False, index=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for table in ("signing_keys", "sign_in_failures", "refresh_tokens", "user_sessions", "mfa_challenges"):
        op.drop_table(table)
    op.drop_table("recovery_codes")
    op.drop_table("one_time_tokens")
    with op.batch_alter_table("users") as users:
        for column in ("mfa_last_step", "mfa_enabled_at", "mfa_pending_secret", "mfa_secret", "email_verified_at"):
            users.drop_column(column)
