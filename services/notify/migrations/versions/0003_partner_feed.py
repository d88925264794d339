"""The public event stream for integration partners: feed, counter, watermarks, webhooks and dead letters.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_feed_events",
        sa.Column("sequence", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(40)),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Index("ix_partner_feed_events_type_sequence", "type", "sequence"),
        sa.Index("ix_partner_feed_events_entity_sequence", "entity_id", "sequence"),
        sa.Index("ix_partner_feed_events_recorded_at", "recorded_at"),
    )
    counter = op.create_table(
        "partner_feed_counter",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_sequence", sa.BigInteger, nullable=False),
        sa.Column("purged_through", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(counter, [{"id": 1, "last_sequence": 0, "purged_through": 0}])
    op.create_table(
        "partner_feed_watermarks",
        sa.Column("channel", sa.String(40), primary_key=True),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "partner_webhooks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(64), nullable=False, index=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("sealed_secret", sa.Text, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_partner_webhooks_due", "next_attempt_at"),
    )
    op.create_table(
        "partner_webhook_dead_letters",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("webhook_id", sa.String(36), nullable=False, index=True),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redelivered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("webhook_id", "sequence", name="uq_partner_dead_letter_webhook_sequence"),
        sa.Index("ix_partner_dead_letters_status", "status"),
    )


def downgrade() -> None:
    op.drop_table("partner_webhook_dead_letters")
    op.drop_table("partner_webhooks")
    op.drop_table("partner_feed_watermarks")
    op.drop_table("partner_feed_counter")
    op.drop_table("partner_feed_events")
