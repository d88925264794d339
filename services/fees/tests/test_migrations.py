from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import fees.payments.models  # noqa: F401 - its tables join the models' metadata
from fees.models import Base


def test_the_migrations_build_the_tables_the_models_describe(database):
    def fees_table(item, name, type_, reflected, compare_to):
        # The outbox, inbox and parking tables are the shared package's, checked with it.
        table = name if type_ == "table" else getattr(getattr(item, "table", None), "name", None)
        return table in Base.metadata.tables

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": fees_table})
        assert compare_metadata(context, Base.metadata) == []
