"""A committee migrated from CAL-ACCESS is found by public search, with its history.

The fixture export (real sample rows) plus one committee whose Form 460 was amended twice is loaded with
`cars-migrate`'s loader into a filings database served over HTTP; search's consumer of the
`legacy_batch_imported` events the load wrote reads each batch from filings' public API, as in production.
"""

import json
import shutil

import pytest
import sqlalchemy as sa

from cars_shared.events.envelope import read_event
from filings.legacy.loader import LegacyLoader
from search import handlers
from search.domain.query import SearchQuery
from search.embedded_index import EmbeddedIndex
from search.filings_client import FilingsClient
from services.filings.tests.test_legacy_loader import EXPORT, committee_export


@pytest.fixture
def database(migrated_sqlite):
    return migrated_sqlite("search")


@pytest.fixture
def export(tmp_path):
    """The fixture export with the committee's rows appended to its tables."""
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    for table in committee_export(tmp_path / "committee").glob("*.TSV"):
        rows = table.read_bytes().split(b"\r\n", 1)[1]
        with (folder / table.name).open("ab") as target:
            target.write(rows)
    return folder


def imported_batches(filings_database):
    with filings_database.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT envelope FROM outbox WHERE event_type = 'legacy_batch_imported' ORDER BY id")
        ).scalars()
        return [read_event(json.loads(row) if isinstance(row, str) else row) for row in rows]


def test_a_migrated_committee_is_found_by_name_with_its_amendments_as_history(database, filings_api, export, tmp_path):
    record, url = filings_api
    result = LegacyLoader(record.database).load(export)
    assert all(counts.reconciled for counts in result.tables.values())
    index = EmbeddedIndex(tmp_path / "search-index.db")
    client = FilingsClient(url, timeout=5, attempts=2, backoff=0.01)
    batches = imported_batches(record.database)
    assert batches
    for event in batches:
        with database.session() as session:
            handlers.index_legacy_batch(session, event, index, client)

    found = index.search(SearchQuery(text="Friends of Example", kinds=("entity",)))
    assert [document.entity_id for document in found.documents] == ["1300001"]
    assert found.documents[0].title == "Friends of Example 2016"

    filing = index.get("filing:900001")
    assert (filing.entity_id, filing.form, filing.amendment) == ("1300001", "F460", 2)
    current = index.search(SearchQuery(entity_ids=("1300001",), kinds=("transaction",), limit=100))
    history = index.search(
        SearchQuery(entity_ids=("1300001",), kinds=("transaction",), include_history=True, limit=100)
    )
    assert {document.amendment for document in current.documents} == {2}
    assert {document.amendment for document in history.documents} == {0, 1, 2}
    assert history.count == 6 and current.count == 2
    assert {document.name for document in history.documents} == {"Philip Dunn"}
