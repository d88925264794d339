"""Contacts, memberships, dashboard notices, the e-mail outbox, outbox and inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from cars_shared.migrate import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op.get_bind())
    op.create_table(
        "contacts",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(150), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("entity_id", sa.String(40), primary_key=True, index=True),
        sa.Column("role", sa.String(20), nullable=False),
    )
    op.create_table(
        "dashboard_notices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("correspondence_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("user_id", "correspondence_id", name="uq_dashboard_notice_user_correspondence"),
        sa.Index("ix_dashboard_notices_user_created", "user_id", "created_at"),
    )
    op.create_table(
        "emails",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text_body", sa.Text, nullable=False),
        sa.Column("html_body", sa.Text, nullable=False),
        sa.Column("notice_key", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("notice_key", "user_id", name="uq_email_notice_user"),
        sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="ck_email_status"),
        sa.Index("ix_emails_due", "status", "next_attempt_at"),
    )


def downgrade() -> None:
    op.drop_table("emails")
    op.drop_table("dashboard_notices")
    op.drop_table("memberships")
    op.drop_table("contacts")
    drop_messaging_tables(op.get_bind())
