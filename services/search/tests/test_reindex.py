"""The full rebuild from filings' real public API, beside the index in service."""

import copy
from datetime import date

from filings.examples import example
from search import cli
from search.domain.documents import entity_document
from search.domain.query import SearchQuery
from search.embedded_index import EmbeddedIndex
from search.filings_client import FilingsClient
from search.reindex import Progress, reindex


def seeded(record):
    """Two committees, a filing with an amendment, and a sandbox filing that is never public."""
    record.entity()
    record.entity(entity_id="2000002", name="Neighbors for Parks", entity_type="primarily_formed_committee")
    record.entity(entity_id="S000001", name="Sandbox Committee", space="sandbox")
    document = example("F460")
    record.version(document, filing_id="filing-1")
    amended = copy.deepcopy(document)
    amended["parts"]["schedule_a"] = amended["parts"]["schedule_a"][:2]
    record.version(amended, filing_id="filing-1", amendment=1)
    sandbox = copy.deepcopy(document)
    sandbox["entity_id"] = "S000001"
    record.version(sandbox, filing_id="filing-sandbox", space="sandbox")


def test_reindex_rebuilds_everything_public_and_switches_to_it(tmp_path, filings_api):
    record, url = filings_api
    seeded(record)
    serving = EmbeddedIndex(tmp_path / "search-index.db")
    old_name = {"entity_id": "2000001", "name": "Friends of Old", "entity_type": "recipient_committee"}
    serving.upsert(entity_document({**old_name, "registered_on": date(2026, 1, 12)}, version=3))
    serving.upsert(entity_document({**old_name, "entity_id": "2999999", "name": "Stale", "registered_on": None}))
    lines = []

    progress = reindex(serving, FilingsClient(url), Progress(lambda state: lines.append(state.line()), 0))

    assert (progress.entities, progress.filings, progress.skipped) == (2, 2, 0)
    assert serving.count("entity") == 2
    assert serving.get("entity:2999999") is None
    friends = serving.get("entity:2000001")
    assert (friends.title, friends.former_names, friends.version) == ("Friends of Example", ("Friends of Old",), 3)
    assert serving.get("filing:filing-1").amendment == 1
    assert serving.search(SearchQuery(schedules=("schedule_a",))).count == 2
    assert serving.search(SearchQuery(schedules=("schedule_a",), include_history=True)).count == 6
    assert serving.search(SearchQuery(text="sandbox")).count == 0
    assert lines[-1].startswith("done: 2 entities, 2 filing versions")
    assert EmbeddedIndex(tmp_path / "search-index.db").count() == serving.count()


def test_the_command_rebuilds_the_configured_index(tmp_path, filings_api, monkeypatch, capsys):
    record, url = filings_api
    seeded(record)
    monkeypatch.setenv("SEARCH_INDEX_PATH", str(tmp_path / "index" / "search.db"))
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)

    assert cli.main(["reindex", "--filings-url", url, "--progress-seconds", "0"]) == 0
    assert cli.main(["count"]) == 0

    printed = capsys.readouterr().out
    assert "switched to the rebuilt index" in printed
    assert "entity: 2" in printed and "filing: 1" in printed
    assert EmbeddedIndex(tmp_path / "index" / "search.db").count("transaction") > 0
