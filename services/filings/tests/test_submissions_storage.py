"""The storage of submissions and filing versions: migration 0002 keeps what was filed before it."""

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cars_shared.db import Database
from cars_shared.messaging_tables import metadata as messaging_metadata
from cars_shared.migrate import upgrade
from filings import MIGRATIONS_DIR
from filings.models import Base

TABLES_OF_THIS_REVISION = {"entities", "filings", "filing_lines", "submissions", "vendor_status", "id_counters"}
FILED_AT = datetime(2026, 3, 2, 18, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request, postgres_url, tmp_path):
    return postgres_url("filings") if request.param == "postgresql" else f"sqlite:///{tmp_path / 'filings.db'}"


def filed_before_submissions(url):
    """A committee with its Form 410 and a Form 460, as revision 0001 stored them."""
    upgrade(MIGRATIONS_DIR, url, "0001")
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO entities VALUES ('2000000', 'Friends of Example', 'recipient_committee', 'active', "
                "'2026-03-02', '1500 11th Street', 'Sacramento', 'CA', '95814', 't@example.org', 'Terry', 'u-1', :at)"
            ),
            {"at": FILED_AT},
        )
        for filing_id, form, start, end, content in (
            ("f-410", "F410", None, None, {"name": "Friends of Example", "city": "Sacramento"}),
            (
                "f-460",
                "F460",
                "2026-01-01",
                "2026-06-30",
                {
                    "period_start": "2026-01-01",
                    "period_end": "2026-06-30",
                    "contributions_received": "150.00",
                    "expenditures_made": "0.00",
                    "schedule_a": [{"amount": "100.00"}, {"amount": "50.00"}],
                },
            ),
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO filings (filing_id, amendment, entity_id, form, period_start, period_end, filed_at, "
                    "filed_by, content, status) VALUES (:id, 0, '2000000', :form, :start, :end, :at, 'u-1', :content, "
                    "'accepted')"
                ),
                {
                    "id": filing_id,
                    "form": form,
                    "start": start,
                    "end": end,
                    "at": FILED_AT,
                    "content": json.dumps(content),
                },
            )
    database.dispose()


def test_upgrading_keeps_what_was_filed_before_as_records_and_line_items(database_url):
    filed_before_submissions(database_url)
    upgrade(MIGRATIONS_DIR, database_url, "0002_submissions")
    database = Database(database_url)
    with database.engine.connect() as connection:
        entity = connection.execute(sa.text("SELECT space, legacy, street FROM entities")).one()
        filings = {row.filing_id: row for row in connection.execute(sa.text("SELECT * FROM filings")).all()}
        lines = connection.execute(
            sa.text("SELECT line, data FROM filing_lines WHERE filing_id = 'f-460' ORDER BY line")
        ).all()
    database.dispose()
    assert (entity.space, bool(entity.legacy), entity.street) == ("production", False, "1500 11th Street")
    statement = filings["f-460"]

    def loaded(value):
        return json.loads(value) if isinstance(value, str) else value

    assert loaded(filings["f-410"].records) == {"cover": {"name": "Friends of Example", "city": "Sacramento"}}
    assert loaded(statement.records) == {"summary": {"contributions_received": "150.00", "expenditures_made": "0.00"}}
    assert loaded(statement.line_counts) == {"schedule_a": 2}
    assert loaded(statement.totals) == {"contributions_received": "150.00", "expenditures_made": "0.00"}
    assert (statement.space, statement.signer_id) == ("production", "u-1")
    assert [(number, loaded(data)["amount"]) for number, data in lines] == [(1, "100.00"), (2, "50.00")]


def test_the_migrations_create_the_tables_the_models_describe(migrated_database):
    database = migrated_database("filings")
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), [Base.metadata, messaging_metadata])
    assert [difference for difference in differences if table_of(difference) in TABLES_OF_THIS_REVISION] == []


def table_of(difference):
    """The table an autogenerate difference is about: ("add_column", schema, table, ...) or one naming an object."""
    operation = difference[0] if isinstance(difference, list) else difference
    for item in operation[1:]:
        if isinstance(item, sa.Table):
            return item.name
        if hasattr(item, "table"):
            return item.table.name
    return operation[2]


def test_submitted_documents_are_compressed_with_lz4_where_postgresql_has_it(migrated_database):
    database = migrated_database("filings")
    with database.engine.begin() as connection:
        if not connection.scalar(
            sa.text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        ):
            pytest.skip("this PostgreSQL server was built without LZ4")
        body = json.dumps([{"contributor_name": f"Contributor {number}", "amount": "150.00"} for number in range(200)])
        connection.execute(
            sa.text(
                "INSERT INTO submissions (submission_id, space, submitted_by, request_sha256, status, form, "
                "received_at, body) VALUES ('s-1', 'production', 'u-1', 'x', 'received', 'F460', :at, :body)"
            ),
            {"at": FILED_AT, "body": body.encode()},
        )
        assert connection.scalar(sa.text("SELECT pg_column_compression(body) FROM submissions")) == "lz4"
