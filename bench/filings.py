"""Accepted filings per second through the e-filing API, and the time of one 20,000-item Form 460.

Full path: a real filings gateway (gunicorn, as `cars-run` starts it) and a real filings worker
(`cars-worker`, with its outbox relay) on a fresh PostgreSQL database and RabbitMQ vhost. The run first
registers a committee through the API (the F410 example). Then N Form 460s of 50 Schedule A items each
(the F460 example, scaled with consistent totals) are POSTed to /api/filings/v1/submissions by a pool of
client threads as the committee's signed-in treasurer; the worker checks each one from the bus and
accepts it. Rate = N / (first POST -> every submission seen accepted). Then one F460 with 20,000 items:
POST -> accepted.

Baseline, same run, same database: the same filing_lines rows inserted raw into an equivalent table
(`CREATE TABLE ... (LIKE filing_lines INCLUDING ALL)`) with psycopg2's execute_values, one transaction
per filing as the pipeline commits them; a single COPY of every row is printed as a detail.

    .venv/bin/python bench/filings.py [--scale 2] [--profile /tmp/prof]

Headline (last line): `filings: <n> accepted filings/s (ratio <r> vs raw insert of the same rows)`.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore", category=DeprecationWarning)
BENCH = str(Path(__file__).resolve().parent)
sys.path.insert(0, BENCH)

from _common import BIN, parser, rate, resources  # noqa: E402

# This file's own name would hide the filings service's package; only _common was needed from here.
sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != BENCH]

from cars_shared.supervisor import gunicorn_tmp_args  # noqa: E402

DEFAULT_FILINGS = 300
ITEMS_PER_FILING = 50
LARGE_ITEMS = 20_000
CLIENT_THREADS = 8
GATEWAY_THREADS = 8
TREASURER = "bench-treasurer"
LINES_PART = "schedule_a"
SUBMISSIONS = "/api/filings/v1/submissions"


# -- the documents ----------------------------------------------------------------------------------------


def scaled_f460(items: int, committee_id: str) -> dict[str, Any]:
    """The F460 example for the committee with `items` Schedule A lines (the example's lines repeated, each its
    own contributor and transaction ID) and every total the form's rules derive from them recomputed to match.
    """
    from filings.examples import example

    document = example("F460")
    document["entity_id"] = committee_id
    document["verification"] = {**document["verification"], "signer_id": TREASURER}
    patterns = document["parts"][LINES_PART]
    lines = []
    for number in range(items):
        line = dict(patterns[number % len(patterns)])
        line["contributor_name"] = f"{line['contributor_name']} {number + 1}"
        line["transaction_id"] = f"A-{number + 1:06d}"
        lines.append(line)
    document["parts"][LINES_PART] = lines
    return consistent_totals(document)


def consistent_totals(document: dict[str, Any]) -> dict[str, Any]:
    """Recompute every total the form declares (sums of lines, sums of fields) from the document's lines."""
    from filings.domain.forms import form_named
    from filings.domain.forms.declaration import SumOfFields, SumOfLines

    form = form_named(document["form"])
    parts = document["parts"]

    def value(ref: Any) -> Decimal:
        part = parts.get(ref.part)
        if isinstance(part, list):
            return sum((Decimal(line.get(ref.field) or 0) for line in part), Decimal(0))
        return Decimal((part or {}).get(ref.field) or 0)

    def added(refs: Any) -> Decimal:
        return sum(map(value, refs), Decimal(0))

    # Totals feed other totals (a summary line adding earlier lines): repeat until nothing changes.
    for _ in range(len(form.rules) + 1):
        changed = False
        for rule in form.rules:
            if isinstance(rule, SumOfLines):
                total = (
                    value(rule.lines) + sum(map(value, rule.plus), Decimal(0)) - sum(map(value, rule.less), Decimal(0))
                )
            elif isinstance(rule, SumOfFields):
                total = added(rule.addends) - added(rule.less)
            else:
                continue
            record = parts.setdefault(rule.total.part, {})
            text = f"{total:.2f}"
            if record.get(rule.total.field) != text:
                record[rule.total.field] = text
                changed = True
        if not changed:
            return document
    raise RuntimeError("the F460 totals do not settle: its rules depend on each other in a cycle")


def filing_line_rows(document: dict[str, Any], filing_id: str) -> list[tuple[Any, ...]]:
    """The filing_lines rows the document becomes: (filing_id, amendment, part, line, data)."""
    return [
        (filing_id, 0, LINES_PART, number, json.dumps(line))
        for number, line in enumerate(document["parts"][LINES_PART], start=1)
    ]


# -- tokens as accounts signs them, and the key set gateways fetch ----------------------------------------


class KeySetServer:
    """Serves a JSON Web Key Set on a local port, standing in for accounts' /jwks.json."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        body = json.dumps(jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"

    def close(self) -> None:
        self.server.shutdown()


def treasurer_token(signing_key: Any, committee_id: str | None = None) -> str:
    """An access token of the treasurer (e-mail verified, signed in with MFA), officer of the committee if given."""
    entities = [{"entity_id": committee_id, "role": "officer"}] if committee_id else []
    claims = {"email_verified": True, "mfa": True, "entities": entities}
    return signing_key.issue(user_id=TREASURER, username="treasurer", roles=["filer"], extra_claims=claims).access_token


# -- the filings service as separate processes ------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FilingsService:
    """Filings workers and a gunicorn gateway on a fresh database and vhost, stopped on exit."""

    def __init__(self, database_url: str, amqp_uri: str, jwks_url: str, log_dir: Path, workers: int = 1) -> None:
        self.workers = [f"worker{number}" for number in range(1, workers + 1)]
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.environment = dict(
            os.environ,
            FILINGS_DATABASE_URL=database_url,
            AMQP_URI=amqp_uri,
            ACCOUNTS_JWKS_URL=jwks_url,
        )
        self.processes: dict[str, subprocess.Popen] = {}

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(argv, env=self.environment, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes[name] = process
        return process

    def start(self) -> None:
        for name in self.workers:
            ready = self.log_dir / f"{name}.ready"
            self._spawn(name, [str(BIN / "cars-worker"), "filings.worker:FilingsWorker", "--ready-file", str(ready)])
            self._wait(f"the filings {name}", ready.exists)
        self._spawn(
            "gateway",
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                str(GATEWAY_THREADS),
                *gunicorn_tmp_args(),
                "filings.gateway:create_app()",
            ],
        )
        self._wait("the filings gateway", self._answers)

    def _answers(self) -> bool:
        import requests

        try:
            return requests.get(f"{self.base_url}/api/filings/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def _wait(self, what: str, ready: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if ready():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{what} was not ready within {timeout:.0f}s")

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace").splitlines()[-20:]
                raise RuntimeError("\n".join([f"the filings {name} exited with {process.returncode}:", *tail]))

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def cpu_seconds(self) -> dict[str, float]:
        """CPU used so far by the gateway and by all workers together."""
        return {
            "gateway": process_cpu_seconds(self.pid("gateway")),
            "worker": sum(process_cpu_seconds(self.pid(name)) for name in self.workers),
        }

    def worker_peak_memory_mib(self) -> float:
        return max(peak_memory_mib(self.pid(name)) for name in self.workers)

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its live children (gunicorn's worker), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(process_cpu_seconds(int(child)) for child in children)


def peak_memory_mib(pid: int) -> float:
    """The process's resident memory high-water mark (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def py_spy_path() -> str:
    return shutil.which("py-spy") or str(BIN / "py-spy")


def profile(pid: int, output: Path) -> subprocess.Popen:
    """py-spy sampling a process and its children into collapsed stacks, idle threads included, so that waiting
    shows as well as computing (`--profile`; py-spy must be installed, in the venv or on PATH).
    """
    return subprocess.Popen(
        [
            py_spy_path(),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--idle",
            "--format",
            "raw",
            "--rate",
            "100",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# -- submitting and waiting -------------------------------------------------------------------------------


def submit(session: Any, base_url: str, token: str, body: bytes) -> str:
    """POST one submission; its ID (the API answers 202 and checks it asynchronously)."""
    response = session.post(
        f"{base_url}{SUBMISSIONS}",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        },
        timeout=120,
    )
    if response.status_code != 202:
        raise RuntimeError(f"submitting answered {response.status_code}: {response.text[:2000]}")
    return response.json()["submission_id"]


def submit_kept_alive(connection: http.client.HTTPConnection, token: str, body: bytes) -> str:
    """As `submit`, on a kept-alive connection of plain http.client: the load generator shares the machine with
    what it measures, so it spends as little CPU per request as it can.
    """
    connection.request(
        "POST",
        SUBMISSIONS,
        body=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    response = connection.getresponse()
    answer = response.read()
    if response.status != 202:
        raise RuntimeError(f"submitting answered {response.status}: {answer[:2000]!r}")
    return json.loads(answer)["submission_id"]


def submit_all(base_url: str, token: str, bodies: list[bytes]) -> tuple[float, float, list[str]]:
    """POST every body from `CLIENT_THREADS` threads; (first POST start, last answer, submission IDs)."""
    address = urlsplit(base_url)
    local = threading.local()

    def one(body: bytes) -> str:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        return submit_kept_alive(local.connection, token, body)

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        started = time.time()
        ids = list(pool.map(one, bodies))
        answered = time.time()
    return started, answered, ids


def wait_until_decided(
    url: str, submission_ids: list[str], service: FilingsService, timeout: float
) -> tuple[float, dict[str, int]]:
    """Poll the submissions table until every one is decided; (when that was seen, count by status)."""
    from sqlalchemy import func, select

    from cars_shared.db import Database
    from filings.models import Submission

    database = Database(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with database.session() as session:
                rows = session.execute(
                    select(Submission.status, func.count())
                    .where(Submission.submission_id.in_(submission_ids))
                    .group_by(Submission.status)
                ).all()
            by_status = dict(rows)
            if sum(count for status, count in by_status.items() if status in ("accepted", "rejected")) == len(
                submission_ids
            ):
                # When the decisions were seen committed: `decided_at` is stamped before its transaction commits.
                return time.time(), by_status
            service.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"not every submission was decided within {timeout:.0f}s: {by_status}")
            time.sleep(0.05)
    finally:
        database.dispose()


def rejections(url: str, submission_ids: list[str], limit: int = 3) -> list[Any]:
    from sqlalchemy import select

    from cars_shared.db import Database
    from filings.models import Submission

    database = Database(url)
    try:
        with database.session() as session:
            return list(
                session.scalars(
                    select(Submission.errors)
                    .where(Submission.submission_id.in_(submission_ids), Submission.status == "rejected")
                    .limit(limit)
                )
            )
    finally:
        database.dispose()


def stored_lines(url: str) -> int:
    from sqlalchemy import func, select

    from cars_shared.db import Database
    from filings.models import FilingLine

    database = Database(url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(FilingLine))
    finally:
        database.dispose()


def relay_passes(url: str) -> tuple[int, int]:
    """(events published, relay passes that published them): a pass stamps its whole batch with one time."""
    from sqlalchemy import func, select

    from cars_shared.db import Database
    from cars_shared.messaging_tables import outbox

    database = Database(url)
    try:
        with database.session() as session:
            published = outbox.c.published_at
            return tuple(session.execute(select(func.count(published), func.count(published.distinct()))).one())
    finally:
        database.dispose()


# -- the baseline -----------------------------------------------------------------------------------------


def raw_connection(url: str) -> Any:
    import psycopg2

    return psycopg2.connect(url)


def raw_insert(url: str, filings: list[list[tuple[Any, ...]]]) -> float:
    """Insert each filing's rows in its own transaction (execute_values); seconds taken."""
    from psycopg2.extras import execute_values

    connection = raw_connection(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS filing_lines_raw")
            cursor.execute("CREATE TABLE filing_lines_raw (LIKE filing_lines INCLUDING ALL)")
        connection.commit()
        started = time.perf_counter()
        for rows in filings:
            with connection.cursor() as cursor:
                execute_values(
                    cursor,
                    "INSERT INTO filing_lines_raw (filing_id, amendment, part, line, data) VALUES %s",
                    rows,
                    page_size=1000,
                )
            connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()


def raw_copy(url: str, filings: list[list[tuple[Any, ...]]]) -> float:
    """COPY every row at once into a fresh equivalent table; seconds taken."""
    connection = raw_connection(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS filing_lines_copy")
            cursor.execute("CREATE TABLE filing_lines_copy (LIKE filing_lines INCLUDING ALL)")
        connection.commit()
        text = io.StringIO()
        for rows in filings:
            for filing_id, amendment, part, line, data in rows:
                escaped = data.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                text.write(f"{filing_id}\t{amendment}\t{part}\t{line}\t{escaped}\n")
        text.seek(0)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.copy_expert("COPY filing_lines_copy (filing_id, amendment, part, line, data) FROM STDIN", text)
        connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()


# -- the run ----------------------------------------------------------------------------------------------


def register_committee(url: str, service: FilingsService, signing_key: Any) -> str:
    """Register the treasurer's committee with the Form 410 example through the API; its entity ID."""
    import requests

    from filings.examples import example

    registration = example("F410")
    registration["verification"] = {**registration["verification"], "signer_id": TREASURER}
    token = treasurer_token(signing_key)
    with requests.Session() as session:
        submission_id = submit(session, service.base_url, token, json.dumps(registration).encode())
        wait_until_decided(url, [submission_id], service, timeout=60)
        status = session.get(
            f"{service.base_url}{SUBMISSIONS}/{submission_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
    if status["status"] != "accepted":
        raise RuntimeError(f"the committee's Form 410 was not accepted: {status['errors']}")
    return status["entity_id"]


def timed_filing(url: str, service: FilingsService, token: str, document: dict[str, Any]) -> dict[str, Any]:
    """POST one filing and wait until it is accepted."""
    import requests

    body = json.dumps(document).encode()
    started = time.time()
    with requests.Session() as session:
        submission_id = submit(session, service.base_url, token, body)
    answered = time.time()
    decided, by_status = wait_until_decided(url, [submission_id], service, timeout=300)
    if by_status.get("accepted") != 1:
        raise RuntimeError(f"the filing was not accepted: {rejections(url, [submission_id])}")
    return {"seconds": decided - started, "post_seconds": answered - started, "megabytes": len(body) / 1e6}


def main() -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--profile", type=Path, help="folder for py-spy collapsed stacks of worker and gateway")
    arguments.add_argument(
        "--workers", type=int, default=1, help="filings worker processes (cars-run starts one per service)"
    )
    args = arguments.parse_args()
    if args.backend != "postgres":
        arguments.error("the filings benchmark needs PostgreSQL (the baseline is a PostgreSQL COPY)")
    if args.profile and not Path(py_spy_path()).exists():
        arguments.error("--profile needs py-spy (.venv/bin/pip install py-spy)")
    count = max(1, int(DEFAULT_FILINGS * args.scale))
    from accounts.signing_key import SigningKey

    signing_key = SigningKey.generate()
    keys = KeySetServer({"keys": [signing_key.jwk()]})
    with resources(args.backend) as held:
        from cars_shared.migrate import upgrade
        from filings import MIGRATIONS_DIR

        url = held.database("filings")
        upgrade(MIGRATIONS_DIR, url)
        log_dir = held.tmp_path("filings-service")
        log_dir.mkdir(parents=True)
        service = FilingsService(url, held.vhost(), keys.url, log_dir, workers=args.workers)
        profilers: list[subprocess.Popen] = []
        try:
            service.start()
            committee_id = register_committee(url, service, signing_key)
            token = treasurer_token(signing_key, committee_id)
            documents = [scaled_f460(ITEMS_PER_FILING, committee_id) for _ in range(count)]
            bodies = [json.dumps(document).encode() for document in documents]
            large_document = scaled_f460(LARGE_ITEMS, committee_id)
            print(
                f"filings: {count} F460s of {ITEMS_PER_FILING} Schedule A items ({len(bodies[0]) / 1000:.1f} kB each) "
                f"for committee {committee_id}; {CLIENT_THREADS} client threads, gateway 1 gunicorn worker x "
                f"{GATEWAY_THREADS} threads, {args.workers} filings worker process(es)"
            )

            rows = [filing_line_rows(document, str(uuid.uuid4())) for document in documents]
            raw_seconds = raw_insert(url, rows)
            copy_seconds = raw_copy(url, rows)
            raw_rate = rate(count, raw_seconds)
            row_count = sum(map(len, rows))
            print(
                f"raw insert: {row_count} rows in {count} transactions (execute_values) {raw_seconds:.3f}s "
                f"= {raw_rate:.0f} filings/s ({rate(row_count, raw_seconds):.0f} rows/s); "
                f"one COPY of them all {copy_seconds:.3f}s ({rate(row_count, copy_seconds):.0f} rows/s)"
            )
            large_raw_seconds = raw_insert(url, [filing_line_rows(large_document, str(uuid.uuid4()))])
            print(f"raw insert of the {LARGE_ITEMS}-item F460's rows (one transaction): {large_raw_seconds:.3f}s")

            # One filing first, so that connections, imports and queues are warm before the clock starts.
            timed_filing(url, service, token, scaled_f460(ITEMS_PER_FILING, committee_id))
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
                profilers = [
                    *(profile(service.pid(name), args.profile / f"{name}.txt") for name in service.workers),
                    profile(service.pid("gateway"), args.profile / "gateway.txt"),
                ]
            cpu_before = service.cpu_seconds()
            started, answered, ids = submit_all(service.base_url, token, bodies)
            decided, by_status = wait_until_decided(url, ids, service, timeout=60 + count)
            cpu = {name: seconds - cpu_before[name] for name, seconds in service.cpu_seconds().items()}
            events, passes = relay_passes(url)
            if by_status.get("accepted") != count:
                raise RuntimeError(f"not every F460 was accepted: {by_status}; {rejections(url, ids)}")
            seconds = decided - started
            full_rate = rate(count, seconds)
            print(
                f"through the API: {count} accepted in {seconds:.3f}s first POST -> last accepted "
                f"({full_rate:.1f} filings/s); all POSTs answered after {answered - started:.3f}s "
                f"({rate(count, answered - started):.0f} POSTs/s)"
            )
            print(
                f"cpu per filing: gateway {cpu['gateway'] / count * 1000:.1f} ms, worker "
                f"{cpu['worker'] / count * 1000:.1f} ms; "
                f"worker peak memory {service.worker_peak_memory_mib():.0f} MiB; "
                f"outbox relay: {events} events in {passes} passes so far"
            )
            for profiler in profilers:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(60)
            profilers = []

            large = timed_filing(url, service, token, large_document)
            print(
                f"{LARGE_ITEMS}-item F460 ({large['megabytes']:.1f} MB): "
                f"POST answered in {large['post_seconds']:.2f}s, "
                f"accepted {large['seconds']:.2f}s after the POST (target under 10 s; raw insert of its rows "
                f"{large_raw_seconds:.2f}s); worker peak memory {service.worker_peak_memory_mib():.0f} MiB; "
                f"{stored_lines(url)} lines stored in all"
            )
        finally:
            for profiler in profilers:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(60)
            service.stop()
            keys.close()
    print(f"filings: {large['seconds']:.2f} s for one {LARGE_ITEMS}-item F460 from POST to accepted")
    print(
        f"filings: {full_rate:.1f} accepted filings/s (ratio {full_rate / raw_rate:.2f} vs raw insert of the same rows)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
