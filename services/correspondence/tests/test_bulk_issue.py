"""Bulk issue of Annual Fee Notices: recorded by the worker's handler, drawn and issued by render processes."""

import io
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from nameko.testing.services import worker_factory
from pypdf import PdfReader
from sqlalchemy import func, select, update

from cars_shared.inbox import EventConsumer
from cars_shared.messaging_tables import outbox
from cars_shared.parking import ParkingLot
from cars_shared.worker import Store
from correspondence import handlers, rendering
from correspondence.blob_store import LocalBlobStore
from correspondence.gateway import create_app
from correspondence.models import Correspondence, PendingNotice
from correspondence.worker import CorrespondenceWorker, RenderProcesses


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


@pytest.fixture
def worker(database, blobs):
    consumer = EventConsumer(database, ParkingLot("amqp://guest:guest@127.0.0.1:5672/", "correspondence"), attempts=1)
    return worker_factory(CorrespondenceWorker, store=Store(database, consumer), blobs=blobs)


def fee_events(fee_assessed, count, first=0):
    names = ["Comité de Peña", "Ελληνική Επιτροπή", "Дружба Комитет", "Friends of Zoë Ramírez"]
    return [
        fee_assessed(
            f"assessment-{n}", entity_id=str(1400000 + n), entity_name=names[n % len(names)], as_received=False
        )
        for n in range(first, first + count)
    ]


def count(database, table, *where):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table).where(*where))


def issued_events(database):
    with database.session() as session:
        return list(session.scalars(select(outbox.c.envelope).where(outbox.c.event_type == "correspondence_issued")))


def render_all(database, blobs, limit=rendering.CLAIM_SIZE):
    rounds = []
    while rendered := rendering.render_pending(database, blobs, limit):
        rounds.append(rendered)
    return rounds


def test_a_batch_of_fee_assessments_yields_each_notice_once_with_its_pdf(worker, database, blobs, fee_assessed):
    bodies = fee_events(fee_assessed, 6)
    assert worker.on_fee_assessed([*bodies, bodies[0]]) == ["handled"] * 6 + ["duplicate"]
    assert count(database, PendingNotice) == 6
    # Recorded but not drawn: no reader sees it and notify has not been told.
    assert count(database, Correspondence) == 0
    assert issued_events(database) == []

    assert render_all(database, blobs) == [6]
    assert worker.on_fee_assessed(bodies[:2]) == ["duplicate", "duplicate"]
    assert render_all(database, blobs) == []
    assert count(database, PendingNotice) == 0
    events = issued_events(database)
    assert len(events) == 6
    with database.session() as session:
        notices = list(session.scalars(select(Correspondence).order_by(Correspondence.number)))
        for notice, body in zip(notices, bodies, strict=True):
            document = handlers.document_of(notice, blobs)
            text = PdfReader(io.BytesIO(document)).pages[0].extract_text()
            assert body["payload"]["entity_name"] in text
            assert notice.number in text
            assert notice.cause == f"fees.fee_assessed:{body['payload']['assessment_id']}"
    by_notice = {event["payload"]["correspondence_id"]: event for event in events}
    assert {by_notice[notice.id]["correlation_id"] for notice in notices} == {body["correlation_id"] for body in bodies}


def test_the_same_assessments_recorded_again_yield_no_second_notice(database, blobs, fee_assessed):
    events = [fee_assessed(f"assessment-{n}", entity_id=str(1400000 + n)) for n in range(3)]
    with database.session() as session:
        assert len(rendering.record_annual_fee_notices(session, events)) == 3
    with database.session() as session:
        assert rendering.record_annual_fee_notices(session, events) == []
    render_all(database, blobs)
    with database.session() as session:
        assert rendering.record_annual_fee_notices(session, [*events, fee_assessed("assessment-9")]) != []
    assert count(database, PendingNotice) + count(database, Correspondence) == 4


def test_numbers_given_in_a_batch_follow_those_issued_one_by_one(database, blobs, fee_assessed):
    with database.session() as session:
        single = handlers.issue_annual_fee_notice(session, fee_assessed("assessment-0"), blobs)
    with database.session() as session:
        batch = rendering.record_annual_fee_notices(session, [fee_assessed(f"assessment-{n}") for n in (1, 2)])
        numbers = [notice.number for notice in batch]
    prefix, sequence = single.number.rsplit("-", 1)
    assert numbers == [f"{prefix}-{int(sequence) + n:06d}" for n in (1, 2)]


class CountingBlobStore(LocalBlobStore):
    """A blob store that notes, at each PDF stored, how many notices render processes hold at that moment."""

    def __init__(self, root, database):
        super().__init__(root)
        self.database = database
        self.held: list[int] = []

    def put(self, key, data):
        self.held.append(count(self.database, PendingNotice, PendingNotice.claimed_by.is_not(None)))
        return super().put(key, data)


def test_a_render_process_never_holds_more_notices_than_its_claim(database, tmp_path, fee_assessed):
    with database.session() as session:
        rendering.record_annual_fee_notices(session, fee_events(fee_assessed, 7))
    blobs = CountingBlobStore(tmp_path / "blobs", database)
    assert render_all(database, blobs, limit=3) == [3, 3, 1]
    assert len(blobs.held) == 7
    assert max(blobs.held) <= 3


def test_concurrent_claims_never_share_a_notice_and_an_abandoned_claim_is_taken_up(database, fee_assessed):
    with database.session() as session:
        rendering.record_annual_fee_notices(session, fee_events(fee_assessed, 5))
    first_token, first = rendering.claim(database, 3)
    _second_token, second = rendering.claim(database, 3)
    assert len(first) == 3
    assert len(second) == 2
    assert not {n.correspondence_id for n in first} & {n.correspondence_id for n in second}
    assert rendering.claim(database, 3)[1] == []

    # The process holding the first claim died: once its lease runs out, another takes the notices up.
    with database.session() as session:
        session.execute(
            update(PendingNotice)
            .where(PendingNotice.claimed_by == first_token)
            .values(claimed_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert {n.correspondence_id for n in rendering.claim(database, 5)[1]} == {n.correspondence_id for n in first}


class FailingBlobStore(LocalBlobStore):
    def put(self, key, data):
        raise OSError("disk full")


def test_a_notice_that_cannot_be_stored_is_retried_then_shown_as_failed(database, tmp_path, blobs, fee_assessed):
    with database.session() as session:
        rendering.record_annual_fee_notices(session, fee_events(fee_assessed, 1))
    failing = FailingBlobStore(tmp_path / "failing")
    for _attempt in range(rendering.RENDER_ATTEMPTS):
        assert rendering.render_pending(database, failing) == 0
    with database.session() as session:
        [progress] = rendering.progress(session)
        assert (progress.kind, progress.pending, progress.failed, progress.issued) == ("annual_fee_notice", 0, 1, 0)
        assert "disk full" in session.scalar(select(PendingNotice.last_error))
    # Given up on: no further attempt until staff intervene.
    assert rendering.render_pending(database, blobs) == 0


def test_staff_follow_the_progress_of_issuing_by_kind(database, blobs, token_mint, fee_assessed, contract_event):
    with database.session() as session:
        rendering.record_annual_fee_notices(session, fee_events(fee_assessed, 4))
        handlers.issue_penalty_notice(session, contract_event("fees", "penalty_assessed"), blobs)
    rendering.render_pending(database, blobs, limit=3)
    client = create_app(database=database, verifier=token_mint.verifier, blob_store=blobs).test_client()
    staff = token_mint.headers(user_id="clerk-1", roles=("staff",))
    response = client.get("/api/correspondence/staff/issue-progress", headers=staff)
    assert response.status_code == 200, response.json
    assert response.json["kinds"] == [
        {"kind": "annual_fee_notice", "pending": 1, "failed": 0, "issued": 3},
        {"kind": "penalty_notice", "pending": 0, "failed": 0, "issued": 1},
    ]
    filer = token_mint.headers(user_id="user-1")
    assert client.get("/api/correspondence/staff/issue-progress", headers=filer).status_code == 403


def test_the_worker_runs_its_render_processes_which_issue_pending_notices_and_stop_with_it(
    monkeypatch, database, tmp_path, fee_assessed
):
    monkeypatch.setenv("CORRESPONDENCE_RENDER_PROCESSES", "2")
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", database.url)
    monkeypatch.setenv("BLOB_DIR", str(tmp_path / "blobs"))
    with database.session() as session:
        rendering.record_annual_fee_notices(session, fee_events(fee_assessed, 3))
    renderers = RenderProcesses()
    renderers.setup()
    renderers.start()
    processes = list(renderers.processes)
    try:
        assert len(processes) == 2
        deadline = time.monotonic() + 60
        while count(database, Correspondence) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert count(database, Correspondence) == 3
    finally:
        renderers.stop()
    assert [process.returncode for process in processes] == [0, 0]
    with database.session() as session:
        for notice in session.scalars(select(Correspondence)):
            assert handlers.document_of(notice, LocalBlobStore(tmp_path / "blobs")).startswith(b"%PDF")


def test_a_render_process_told_to_stop_while_it_is_still_starting_ends_cleanly(monkeypatch, database, tmp_path):
    monkeypatch.setenv("CORRESPONDENCE_DATABASE_URL", database.url)
    monkeypatch.setenv("BLOB_DIR", str(tmp_path / "blobs"))
    process = subprocess.Popen([sys.executable, "-m", "correspondence.render_process"])
    time.sleep(0.5)  # its stop signal is caught from its first lines on, before its imports
    process.terminate()
    assert process.wait(timeout=30) == 0
