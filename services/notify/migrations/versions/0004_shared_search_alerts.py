"""Public alerts of shared saved searches: the shares search told of, and subscriptions to them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_searches",
        sa.Column("saved_search_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("share_key", sa.String(64)),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("share_key", name="uq_shared_search_share_key"),
    )
    with op.batch_alter_table("alert_subscriptions") as table:
        table.alter_column("entity_id", existing_type=sa.String(40), nullable=True)
        table.add_column(sa.Column("saved_search_id", sa.String(36)))
        table.create_unique_constraint("uq_alert_subscription_email_saved_search", ["email", "saved_search_id"])
        table.create_check_constraint(
            "ck_alert_subscription_one_target", "(entity_id IS NULL) <> (saved_search_id IS NULL)"
        )
        table.create_index("ix_alert_subscriptions_saved_search_status", ["saved_search_id", "status"])


def downgrade() -> None:
    op.execute("DELETE FROM alert_subscriptions WHERE saved_search_id IS NOT NULL")
    with op.batch_alter_table("alert_subscriptions") as table:
        table.drop_index("ix_alert_subscriptions_saved_search_status")
        table.drop_constraint("ck_alert_subscription_one_target", type_="check")
        table.drop_constraint("uq_alert_subscription_email_saved_search", type_="unique")
        table.drop_column("saved_search_id")
        table.alter_column("entity_id", existing_type=sa.String(40), nullable=False)
    op.drop_table("shared_searches")
