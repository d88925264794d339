"""Alerts by filing date: the owner's and the public watermark of a saved search become the newest match by when it
reached the public record (recorded_at, id), so a report filed late with old transactions is news.

Existing rows keep their (dated_at, id) watermark; their next run counts what is newer by it, once, and sets the
filing-date one (search/saved/handlers.py), so no subscriber is told of every earlier match after the upgrade.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("saved_searches") as table:
        table.add_column(sa.Column("watermark_filed_at", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("public_watermark_filed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # The filing-date watermark stands in for the dated one where a run since the upgrade cleared it: a filing is
    # dated no earlier than its transactions, so the earlier rule counts no old match again.
    saved = sa.table(
        "saved_searches",
        sa.column("watermark_filed_at"),
        sa.column("watermark_dated_at"),
        sa.column("public_watermark_filed_at"),
        sa.column("public_watermark_dated_at"),
    )
    for filed, dated in (
        (saved.c.watermark_filed_at, saved.c.watermark_dated_at),
        (saved.c.public_watermark_filed_at, saved.c.public_watermark_dated_at),
    ):
        op.execute(sa.update(saved).where(filed.is_not(None)).values({dated.name: filed}))
    with op.batch_alter_table("saved_searches") as table:
        table.drop_column("public_watermark_filed_at")
        table.drop_column("watermark_filed_at")
