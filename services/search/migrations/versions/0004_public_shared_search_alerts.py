"""Public alerts of shared saved searches: a daily public run with its own watermark.

Searches shared before this revision are announced (`saved_search_shared`, through the outbox) so their link
holders may subscribe; the search worker starts their public runs at its next pass.

Revision ID: 0004
Revises: 0003
"""

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from cars_shared.events import make_event
from cars_shared import outbox

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("saved_searches") as table:
        table.add_column(sa.Column("public_next_run_at", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("public_watermark_dated_at", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("public_watermark_id", sa.String(200)))
        table.create_index("ix_saved_searches_public_due", ["public_next_run_at"])
    _announce_earlier_shares(op.get_bind())


def _announce_earlier_shares(connection: sa.engine.Connection) -> None:
    saved = sa.table("saved_searches", sa.column("id"), sa.column("name"), sa.column("share_token"))
    shared = connection.execute(
        sa.select(saved.c.id, saved.c.name, saved.c.share_token)
        .where(saved.c.share_token.is_not(None))
        .order_by(saved.c.id)
    ).all()
    now = datetime.now(UTC)
    events = [
        make_event(
            "search",
            "saved_search_shared",
            {
                "saved_search_id": row.id,
                "name": row.name,
                "share_key": hashlib.sha256(row.share_token.encode("ascii")).hexdigest(),
                "changed_at": now,
            },
        )
        for row in shared
    ]
    outbox.add_all(connection, events)


def downgrade() -> None:
    with op.batch_alter_table("saved_searches") as table:
        table.drop_index("ix_saved_searches_public_due")
        table.drop_column("public_watermark_id")
        table.drop_column("public_watermark_dated_at")
        table.drop_column("public_next_run_at")
