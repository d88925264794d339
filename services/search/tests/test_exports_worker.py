import csv
import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import kombu
import pytest
from sqlalchemy import select

from cars_shared.bus import event_exchange
from cars_shared.messaging_tables import outbox
from search.embedded_index import EmbeddedIndex
from search.exports import handlers
from search.exports.jobs import LEASE
from search.exports.query_args import SearchFilters
from search.gateway import create_app
from search.models import ExportJob
from services.search.tests.test_exports_writers import transaction

PORTAL = "https://cars.example"
ROWS = 350


@pytest.fixture
def database(migrated_database):
    return migrated_database("search")


@pytest.fixture
def index(tmp_path):
    index = EmbeddedIndex(tmp_path / "search-index.db")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    index.upsert_many(
        transaction(number, name=f"Giver {number}", dated_at=start + timedelta(hours=number))
        for number in range(1, ROWS + 1)
    )
    index.upsert(transaction(9999, city="Fresno"))
    return index


@dataclass
class StoppingIndex:
    """The index, until its `stop_at`-th search: there it raises `error` (SystemExit: the worker process dies)."""

    inner: EmbeddedIndex
    stop_at: int
    error: BaseException = SystemExit("worker stopped")
    calls: int = 0

    def search(self, query):
        self.calls += 1
        if self.calls == self.stop_at:
            raise self.error
        return self.inner.search(query)


def request(database, index, export_format="csv", email=None, user_id=None):
    filters = SearchFilters().load({"city": ["Sacramento"], "sort": "date"})
    with database.session() as session:
        job = handlers.request_export(
            session,
            index,
            export_format=export_format,
            filters=filters,
            user_id=user_id,
            email=email,
            client="198.51.100.4",
            row_cap=1000,
            now=datetime.now(UTC),
        )
        return job.id


def run(database, index, folder, page_size=100, **options):
    return handlers.run_due_exports(
        database, index, folder=folder, portal_url=PORTAL, row_cap=1000, page_size=page_size, **options
    )


def job_of(database, job_id):
    with database.session() as session:
        job = session.get_one(ExportJob, job_id)
        session.expunge(job)
        return job


def announced(database):
    with database.session() as session:
        return [row.envelope for row in session.execute(select(outbox.c.envelope).order_by(outbox.c.id))]


def lines(path):
    return [row["Line"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))]


def test_worker_writes_the_whole_file_and_announces_it(database, index, tmp_path):
    job_id = request(database, index, user_id="user-1", email="me@example.org")
    assert run(database, index, tmp_path, batch_rows=100) == [job_id]
    job = job_of(database, job_id)
    assert (job.status, job.rows_written, job.total, job.lease_until) == ("done", ROWS, ROWS, None)
    assert lines(tmp_path / f"{job_id}.csv") == [str(number) for number in range(1, ROWS + 1)]
    [event] = announced(database)
    assert (event["producer"], event["type"]) == ("search", "export_ready")
    assert event["payload"] == {
        "export_id": job_id,
        "user_id": "user-1",
        "email": "me@example.org",
        "format": "csv",
        "rows": ROWS,
        "download_url": f"{PORTAL}/api/search/exports/{job_id}/download",
    }
    assert run(database, index, tmp_path) == []


def test_a_restarted_worker_goes_on_from_the_last_committed_batch(database, index, tmp_path):
    job_id = request(database, index)
    # Pages hold 100 rows; with batches of 150 the second page commits and the third is written but not committed.
    with pytest.raises(SystemExit):
        run(database, StoppingIndex(index, stop_at=4), tmp_path, batch_rows=150)
    stopped = job_of(database, job_id)
    assert (stopped.status, stopped.rows_written) == ("running", 200)
    assert len(lines(tmp_path / f"{job_id}.csv")) == 300
    assert run(database, index, tmp_path, batch_rows=150) == []
    later = datetime.now(UTC) + LEASE + timedelta(seconds=1)
    assert run(database, index, tmp_path, batch_rows=150, now=later) == [job_id]
    assert lines(tmp_path / f"{job_id}.csv") == [str(number) for number in range(1, ROWS + 1)]
    assert job_of(database, job_id).status == "done"
    assert len(announced(database)) == 1


def test_a_job_that_fails_says_why_and_announces_nothing(database, index, tmp_path):
    job_id = request(database, index, export_format="jsonl")
    # The first page commits as a batch; the second search fails.
    broken = StoppingIndex(index, stop_at=2, error=RuntimeError("index file is unreadable"))
    assert run(database, broken, tmp_path, batch_rows=100) == [job_id]
    job = job_of(database, job_id)
    assert (job.status, job.error) == ("failed", "RuntimeError: index file is unreadable")
    assert not (tmp_path / f"{job_id}.jsonl").exists()
    assert announced(database) == []


def test_the_finished_file_is_downloaded_from_its_link_until_it_expires(
    database, index, tmp_path, monkeypatch, token_mint
):
    monkeypatch.setenv("SEARCH_EXPORT_DIR", str(tmp_path / "exports"))
    client = create_app(database=database, verifier=token_mint.verifier, index=index).test_client()
    job_id = client.post("/api/search/exports", json={"format": "csv", "query": {"city": ["Fresno"]}}).json["id"]
    run(database, index, tmp_path / "exports")
    followed = client.get(f"/api/search/exports/{job_id}").json
    assert (followed["status"], followed["progress_percent"], followed["rows_written"]) == ("done", 100, 1)
    assert followed["download_url"].endswith(f"/api/search/exports/{job_id}/download")
    download = client.get(f"/api/search/exports/{job_id}/download")
    assert (download.status_code, download.mimetype) == (200, "text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    assert [row["City"] for row in csv.DictReader(io.StringIO(download.get_data(as_text=True)))] == ["Fresno"]
    download.close()
    with database.session() as session:
        later = datetime.now(UTC) + timedelta(days=8)
        assert handlers.expire_old_exports(session, tmp_path / "exports", keep=timedelta(days=7), now=later) == [job_id]
    assert not (tmp_path / "exports" / f"{job_id}.csv").exists()
    assert client.get(f"/api/search/exports/{job_id}").json["status"] == "expired"
    gone = client.get(f"/api/search/exports/{job_id}/download")
    assert (gone.status_code, gone.json["errors"][0]["field"]) == (410, "export_id")


def test_the_search_worker_runs_queued_jobs_and_publishes_export_ready(
    database, index, tmp_path, amqp_vhost, token_mint
):
    exports_dir = tmp_path / "exports"
    client = create_app(database=database, verifier=token_mint.verifier, index=index).test_client()
    job_id = client.post("/api/search/exports", json={"format": "jsonl", "query": {"city": ["Fresno"]}}).json["id"]
    env = os.environ | {
        "AMQP_URI": amqp_vhost,
        "SEARCH_DATABASE_URL": database.url,
        "SEARCH_INDEX_PATH": str(index.path),
        "SEARCH_EXPORT_DIR": str(exports_dir),
        "PORTAL_URL": PORTAL,
        "VAR_DIR": str(tmp_path),
    }
    with kombu.Connection(amqp_vhost) as connection:
        ready = kombu.Queue("test-export-ready", exchange=event_exchange("search"), routing_key="export_ready")
        ready(connection.default_channel).declare()
        log_path = tmp_path / "worker.log"
        with log_path.open("w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "cars_shared.worker_main", "search.worker:SearchWorker"], env=env, stderr=log
            )
        try:
            message = None
            deadline = time.monotonic() + 30
            while message is None and time.monotonic() < deadline:
                message = ready(connection.default_channel).get(accept=["json"])
                time.sleep(0.1)
            assert message is not None, log_path.read_text()
            message.ack()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert message.payload["payload"]["export_id"] == job_id
    assert message.payload["payload"]["rows"] == 1
    assert (exports_dir / f"{job_id}.jsonl").read_text(encoding="utf-8").count("\n") == 1
