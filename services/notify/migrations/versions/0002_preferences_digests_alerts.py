"""Preferences, daily digests, notices of every kind, public filing alerts and their throttle.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "preferences",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("email_kinds", sa.JSON, nullable=False),
        sa.Column("delivery", sa.String(20), nullable=False),
        sa.Column("last_digest_on", sa.Date),
        sa.CheckConstraint("delivery IN ('immediate', 'daily_digest')", name="ck_preference_delivery"),
    )
    with op.batch_alter_table("dashboard_notices") as batch:
        batch.add_column(sa.Column("kind", sa.String(30), nullable=False, server_default="correspondence"))
        batch.add_column(sa.Column("cause_key", sa.String(100)))
        batch.add_column(sa.Column("link", sa.String(500)))
        batch.alter_column("correspondence_id", existing_type=sa.String(64), nullable=True)
    op.execute("UPDATE dashboard_notices SET cause_key = correspondence_id")
    with op.batch_alter_table("dashboard_notices") as batch:
        batch.alter_column("cause_key", existing_type=sa.String(100), nullable=False)
        batch.drop_constraint("uq_dashboard_notice_user_correspondence", type_="unique")
        batch.create_unique_constraint("uq_dashboard_notice_user_cause", ["user_id", "cause_key"])
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("email", "entity_id", name="uq_alert_subscription_email_entity"),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'unsubscribed')", name="ck_alert_subscription_status"),
        sa.Index("ix_alert_subscriptions_entity_status", "entity_id", "status"),
    )
    with op.batch_alter_table("emails") as batch:
        batch.alter_column("user_id", existing_type=sa.String(64), nullable=True)
        batch.add_column(sa.Column("subscription_id", sa.String(36)))
        batch.add_column(sa.Column("list_unsubscribe", sa.String(500)))
        batch.create_unique_constraint("uq_email_notice_subscription", ["notice_key", "subscription_id"])
        batch.create_index("ix_emails_status_created", ["status", "created_at"])
    op.create_table(
        "digest_entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("cause_key", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_id", sa.String(36)),
        sa.UniqueConstraint("user_id", "cause_key", name="uq_digest_entry_user_cause"),
        sa.Index("ix_digest_entries_pending", "email_id", "user_id"),
    )
    op.create_table(
        "throttle_hits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("throttle_key", sa.String(80), nullable=False),
        sa.Column("hit_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_throttle_hits_key_at", "throttle_key", "hit_at"),
    )


def downgrade() -> None:
    op.drop_table("throttle_hits")
    op.drop_table("digest_entries")
    op.execute("DELETE FROM emails WHERE user_id IS NULL")
    with op.batch_alter_table("emails") as batch:
        batch.drop_index("ix_emails_status_created")
        batch.drop_constraint("uq_email_notice_subscription", type_="unique")
        batch.drop_column("list_unsubscribe")
        batch.drop_column("subscription_id")
        batch.alter_column("user_id", existing_type=sa.String(64), nullable=False)
    op.drop_table("alert_subscriptions")
    op.execute("DELETE FROM dashboard_notices WHERE correspondence_id IS NULL")
    with op.batch_alter_table("dashboard_notices") as batch:
        batch.drop_constraint("uq_dashboard_notice_user_cause", type_="unique")
        batch.create_unique_constraint("uq_dashboard_notice_user_correspondence", ["user_id", "correspondence_id"])
        batch.alter_column("correspondence_id", existing_type=sa.String(64), nullable=False)
        batch.drop_column("link")
        batch.drop_column("cause_key")
        batch.drop_column("kind")
    op.drop_table("preferences")
