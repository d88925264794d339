"""The per-entity ledger (append-only), the entities projection, fine and run bookkeeping, the staff action log.

The annual fee assessments recorded so far become the ledger entries opening their charges, under the same
ids (correspondence knows each Annual Fee Notice by it).

Revision ID: 0002_ledger
Revises: 0001
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0002_ledger"
down_revision = "0001"
branch_labels = None
depends_on = None

SEQUENCE = sa.BigInteger().with_variant(sa.Integer, "sqlite")
APPEND_ONLY_TABLES = {
    "ledger_entries": "the ledger is append-only",
    "staff_actions": "the staff action log is append-only",
}


def _refuse_changes(table: str, message: str) -> None:
    """Refuse UPDATE, DELETE (and TRUNCATE) on `table` in the database itself, whoever connects."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for change in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def _allow_changes(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        for change in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{change}")


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("entity_id", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("entity_type", sa.String(60), nullable=False, index=True),
        sa.Column("registered_on", sa.Date, nullable=True, index=True),
        sa.Column("terminated_on", sa.Date, nullable=True),
        sa.Column("name_amendment", sa.Integer, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    ledger = op.create_table(
        "ledger_entries",
        sa.Column("seq", SEQUENCE, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("entity_id", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("amount_cents", SEQUENCE, nullable=False),
        sa.Column("item_id", sa.String(36), nullable=True, index=True),
        sa.Column("rule", sa.String(24), nullable=True),
        sa.Column("period", sa.String(80), nullable=True),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fee_year", sa.Integer, nullable=True),
        sa.Column("form", sa.String(10), nullable=True),
        sa.Column("period_start", sa.Date, nullable=True),
        sa.Column("period_end", sa.Date, nullable=True),
        sa.Column("filing_id", sa.String(36), nullable=True),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("actor_kind", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.String(80), nullable=False),
        sa.Column("reverses_id", sa.String(36), nullable=True, unique=True),
        sa.Column("entry_key", sa.String(200), nullable=True, unique=True),
        sa.Column("cause_event_id", sa.String(36), nullable=True),
        sa.UniqueConstraint("entity_id", "rule", "period", name="uq_ledger_entries_assessment"),
        sa.CheckConstraint("amount_cents <> 0", name="ck_ledger_entries_amount_not_zero"),
    )
    op.create_index("ix_ledger_entries_entity_seq", "ledger_entries", ["entity_id", "seq"])
    op.create_table(
        "late_filing_fines",
        sa.Column("item_id", sa.String(36), primary_key=True),
        sa.Column("entity_id", sa.String(20), nullable=False, index=True),
        sa.Column("entity_name", sa.String(300), nullable=False),
        sa.Column("form", sa.String(10), nullable=False),
        sa.Column("form_name", sa.String(200), nullable=False),
        sa.Column("period_start", sa.Date, nullable=True),
        sa.Column("period_end", sa.Date, nullable=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("days_late", sa.Integer, nullable=False),
        sa.Column("filing_id", sa.String(36), nullable=True),
        sa.Column("filed_on", sa.Date, nullable=True),
        sa.Column("reported_amount_cents", SEQUENCE, nullable=True),
        sa.Column("accrued_cents", SEQUENCE, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("notice_sent_on", sa.Date, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "late_payment_checks",
        sa.Column("fee_item_id", sa.String(36), primary_key=True),
        sa.Column("entity_id", sa.String(20), nullable=False),
        sa.Column("checked_on", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
    )
    op.create_table(
        "payment_reminders",
        sa.Column("item_id", sa.String(36), primary_key=True),
        sa.Column("days_before", sa.Integer, primary_key=True),
        sa.Column("sent_on", sa.Date, nullable=False),
    )
    op.create_table(
        "assessment_runs",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("fee_year", sa.Integer, nullable=False, index=True),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entities_to_assess", sa.Integer, nullable=False),
        sa.Column("entities_assessed", sa.Integer, nullable=False),
        sa.Column("batches", sa.Integer, nullable=False),
    )
    op.create_table(
        "daily_runs",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False, index=True),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("penalties", sa.Integer, nullable=False),
        sa.Column("fine_entries", sa.Integer, nullable=False),
        sa.Column("reminders", sa.Integer, nullable=False),
    )
    op.create_table(
        "staff_actions",
        sa.Column("seq", SEQUENCE, primary_key=True, autoincrement=True),
        sa.Column("action_id", sa.String(36), nullable=False, unique=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor_id", sa.String(64), nullable=False, index=True),
        sa.Column("client", sa.String(200), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(20), nullable=True, index=True),
        sa.Column("target_id", sa.String(36), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("outcome_detail", sa.Text, nullable=True),
    )

    bind = op.get_bind()
    assessments = bind.execute(
        sa.text(
            "SELECT id, entity_id, fee_year, amount_cents, due_date, assessed_at, cause_event_id "
            "FROM fee_assessments ORDER BY assessed_at, id"
        )
    ).all()
    if assessments:
        california = ZoneInfo("America/Los_Angeles")
        rows = []
        for row in assessments:
            assessed_at = row.assessed_at
            if isinstance(assessed_at, str):
                assessed_at = datetime.fromisoformat(assessed_at)
            if assessed_at.tzinfo is None:
                assessed_at = assessed_at.replace(tzinfo=UTC)
            due_on = row.due_date if not isinstance(row.due_date, str) else datetime.fromisoformat(row.due_date).date()
            rows.append(
                {
                    "id": row.id,
                    "entity_id": row.entity_id,
                    "kind": "annual_fee",
                    "amount_cents": row.amount_cents,
                    "item_id": row.id,
                    "rule": "annual_fee",
                    "period": str(row.fee_year),
                    "due_on": due_on,
                    "effective_on": assessed_at.astimezone(california).date(),
                    "recorded_at": assessed_at,
                    "fee_year": row.fee_year,
                    "description": f"Annual fee {row.fee_year}",
                    "actor_kind": "system",
                    "actor_id": "registration",
                    "cause_event_id": row.cause_event_id,
                }
            )
        op.bulk_insert(ledger, rows)
    op.drop_table("fee_assessments")
    for table, message in APPEND_ONLY_TABLES.items():
        _refuse_changes(table, message)


def downgrade() -> None:
    for table in APPEND_ONLY_TABLES:
        _allow_changes(table)
    op.create_table(
        "fee_assessments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("entity_id", sa.String(20), nullable=False, index=True),
        sa.Column("entity_name", sa.String(300), nullable=False),
        sa.Column("fee_year", sa.Integer, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("late_penalty_cents", sa.Integer, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cause_event_id", sa.String(36), nullable=False),
        sa.UniqueConstraint("entity_id", "fee_year", name="uq_fee_assessment_entity_year"),
    )
    # Only the annual fees the earlier schema can hold go back; the rest of the ledger has no place there.
    op.execute(
        "INSERT INTO fee_assessments (id, entity_id, entity_name, fee_year, amount_cents, late_penalty_cents, "
        "due_date, assessed_at, cause_event_id) "
        "SELECT l.id, l.entity_id, COALESCE(e.name, l.entity_id), l.fee_year, l.amount_cents, 15000, l.due_on, "
        "l.recorded_at, COALESCE(l.cause_event_id, l.id) FROM ledger_entries l "
        "LEFT JOIN entities e ON e.entity_id = l.entity_id WHERE l.rule = 'annual_fee'"
    )
    for table in (
        "staff_actions",
        "daily_runs",
        "assessment_runs",
        "payment_reminders",
        "late_payment_checks",
        "late_filing_fines",
        "ledger_entries",
        "entities",
    ):
        op.drop_table(table)
