import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cars_shared.relay import ConfirmingPublisher, PendingEvent
from correspondence.access_code_letters import handlers
from correspondence.access_code_letters.models import AccessCodeLetter, AccessCodeLetterDocument

ACCESS_CODE = "K7QM-3XWP-9RTD-HV2F"


@pytest.fixture
def database(migrated_database):
    return migrated_database("correspondence")


@pytest.fixture
def worker_log(database, amqp_vhost, tmp_path):
    """A correspondence worker running as its own process on the test vhost; yields the file it logs to."""
    ready, log_path = tmp_path / "ready", tmp_path / "worker.log"
    env = {
        **os.environ,
        "AMQP_URI": amqp_vhost,
        "CORRESPONDENCE_DATABASE_URL": database.url,
        "VAR_DIR": str(tmp_path),
        # The most talkative level: the code must not appear even there.
        "LOG_LEVEL": "DEBUG",
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cars_shared.worker_main",
                "correspondence.worker:CorrespondenceWorker",
                "--ready-file",
                str(ready),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: ready.exists() or process.poll() is not None, timeout=60)
        assert process.poll() is None, log_path.read_text()
        yield log_path
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def count(database, model, *conditions):
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_a_redelivered_code_yields_one_letter_and_the_code_is_never_logged(
    database, amqp_vhost, worker_log, access_code_issued
):
    event = access_code_issued(as_received=False)
    undeliverable = access_code_issued("code-2", "1400002", mailing_address=None, as_received=False)
    publisher = ConfirmingPublisher(amqp_vhost)
    # The same event delivered twice, as after a broker redelivery, and one without an address.
    publisher.publish(
        [
            PendingEvent(1, "accounts", "entity_access_code_issued", event),
            PendingEvent(2, "accounts", "entity_access_code_issued", event),
            PendingEvent(3, "accounts", "entity_access_code_issued", undeliverable),
        ]
    )
    publisher.close()

    # Both deliveries are handled (one of them as a duplicate) once the log names the event twice.
    wait_until(lambda: worker_log.read_text().count(event["event_id"]) >= 2)
    wait_until(lambda: count(database, AccessCodeLetter) == 2)
    with database.session() as session:
        statuses = dict(session.execute(select(AccessCodeLetter.code_id, AccessCodeLetter.status)).all())
    assert statuses == {"code-1": "awaiting_mailing", "code-2": "undeliverable"}
    assert count(database, AccessCodeLetterDocument) == 1
    logged = worker_log.read_text()
    assert ACCESS_CODE not in logged
    # Nor the characters it is made of, which a font subset's glyph list would give away.
    assert "Glyph names" not in logged


def test_the_worker_sweeps_expired_letters_out_of_the_queue_when_it_starts(
    database, amqp_vhost, tmp_path, access_code_issued, request
):
    yesterday = handlers.office_today() - timedelta(days=1)  # the office's day, in California, not the machine's
    with database.session() as session:
        handlers.receive_access_code(session, access_code_issued(expires_on=yesterday))
    request.getfixturevalue("worker_log")
    wait_until(lambda: count(database, AccessCodeLetter, AccessCodeLetter.status == "expired") == 1)
    assert count(database, AccessCodeLetterDocument) == 0
