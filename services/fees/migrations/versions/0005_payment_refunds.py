"""Payment refunds: refunds of online payments sent to their provider, reversed in the ledger once confirmed.

Revision ID: 0005_payment_refunds
Revises: 0004_entity_registration_form
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_payment_refunds"
down_revision = "0004_entity_registration_form"
branch_labels = None
depends_on = None

SEQUENCE = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "payment_refunds",
        sa.Column("refund_id", sa.String(36), primary_key=True),
        sa.Column("entity_id", sa.String(20), nullable=False, index=True),
        sa.Column("payment_entry_id", sa.String(36), nullable=False, index=True),
        sa.Column("intent_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("amount_cents", SEQUENCE, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversal_entry_id", sa.String(36), nullable=True),
        sa.UniqueConstraint("provider", "reference", name="uq_payment_refunds_provider_reference"),
        sa.CheckConstraint("amount_cents > 0", name="ck_payment_refunds_amount_positive"),
    )


def downgrade() -> None:
    op.drop_table("payment_refunds")
