"""Payments: intents paid through a payment provider, the provider events processed, webhook refusals.

Revision ID: 0003_payments
Revises: 0002_ledger
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_payments"
down_revision = "0002_ledger"
branch_labels = None
depends_on = None

SEQUENCE = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "payment_intents",
        sa.Column("intent_id", sa.String(36), primary_key=True),
        sa.Column("entity_id", sa.String(20), nullable=False),
        sa.Column("amount_cents", SEQUENCE, nullable=False),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("checkout_url", sa.String(500), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payment_entry_id", sa.String(36), nullable=True),
        sa.UniqueConstraint("provider", "reference", name="uq_payment_intents_provider_reference"),
        sa.CheckConstraint("amount_cents > 0", name="ck_payment_intents_amount_positive"),
    )
    op.create_index("ix_payment_intents_entity_status", "payment_intents", ["entity_id", "status"])
    op.create_table(
        "payment_provider_events",
        sa.Column("provider", sa.String(40), primary_key=True),
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("intent_id", sa.String(36), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
    op.create_table(
        "payment_webhook_refusals",
        sa.Column("seq", SEQUENCE, primary_key=True, autoincrement=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("claimed_event_id", sa.String(100), nullable=True),
        sa.Column("client", sa.String(200), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("payment_webhook_refusals")
    op.drop_table("payment_provider_events")
    op.drop_index("ix_payment_intents_entity_status", table_name="payment_intents")
    op.drop_table("payment_intents")
