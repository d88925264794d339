"""Annual Fee Notices: PDFs drawn per second per core against bare fpdf2, and notices from events to e-mails.

Rendering, in this process: the project's renderer (`correspondence.pdf.annual_fee_notice`, fonts parsed once per
process) draws M Annual Fee Notices to entities with accented, Greek and Cyrillic names, alternating in rounds
with bare fpdf2 drawing the same letter: the same layout (letterhead, reference block, heading, paragraphs,
signature, 'Page n of N'), the same text and the same DejaVu Sans fonts embedded as subsets, written the way
fpdf2's documentation shows (`FPDF()`, `add_font` for each font, then the cells, then `output()`), one document
after another. Rate = documents / CPU seconds of this process (one core), so other load on the machine counts
less. fpdf2 with its built-in Helvetica (no embedded font, Latin-1 only, so it cannot print those names) is
printed as a detail.

End to end: a correspondence worker (with its render processes, one per core) and a notify worker (`cars-worker`)
run on fresh PostgreSQL databases and a fresh RabbitMQ vhost, mailing to an SMTP server in this process. N users
are registered and linked to N entities (accounts.user_registered and entity_link_approved, so notify knows whom
to e-mail) before the clock starts. The clock then runs from publishing N fees.fee_assessed events until N
e-mails have been received, one per entity's user.

    .venv/bin/python bench/correspondence.py              # 100 renders each way, 500 notices end to end
    .venv/bin/python bench/correspondence.py --scale 20   # the target's 10,000 notices end to end

The workers' logs (and the PDFs) are kept in the folder BENCH_KEEP_DIR names, if set; otherwise removed.

Headline (last line): `correspondence: <n> PDFs/s/core (ratio <r> vs bare fpdf2)` (target: ratio at least 0.75),
with `correspondence: <n> Annual Fee Notices from events to e-mails received in <s> s` on the line above
(target: 10,000 in under 300 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore", category=DeprecationWarning)
BENCH = str(Path(__file__).resolve().parent)
sys.path.insert(0, BENCH)

from _common import BIN, parser, rate, resources  # noqa: E402

# This file's own name would hide the correspondence service's package; only _common was needed from here.
sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != BENCH]

DEFAULT_RENDERS = 100
DEFAULT_NOTICES = 500
ROUNDS = 4
PUBLISH_BATCH = 500
FIRST_ENTITY_ID = 3_000_000
FEE_YEAR = 2027
NAMES = ("Comité de Peña para {n}", "Ελληνική Επιτροπή {n}", "Дружба Комитет {n}", "Friends of Zoë Ramírez {n}")


def notice(number: int) -> Any:
    from correspondence.domain.annual_fee_notice import AnnualFeeNotice

    return AnnualFeeNotice(
        number=f"C-{FEE_YEAR}-{number + 1:06d}",
        issued_on=date(FEE_YEAR, 1, 2),
        entity_id=str(FIRST_ENTITY_ID + number),
        entity_name=NAMES[number % len(NAMES)].format(n=number),
        fee_year=FEE_YEAR,
        amount_cents=5000,
        due_date=date(FEE_YEAR, 1, 15),
        late_penalty_cents=15000,
        portal_url="http://127.0.0.1:8000",
    )


def bare_fpdf2(annual: Any, *, core_font: bool = False) -> bytes:
    """The Annual Fee Notice drawn with fpdf2 alone: the project's layout, text and fonts, nothing cached."""
    from fpdf import FPDF

    from correspondence.domain.formatting import long_date
    from correspondence.pdf.letter import AGENCY, AUTHOR, DIVISION, FONTS_DIR

    family = "Helvetica" if core_font else "DejaVuSans"

    class Document(FPDF):
        def header(self) -> None:
            self.set_font(family, "B", 14)
            self.cell(0, 7, AGENCY, new_x="LMARGIN", new_y="NEXT")
            self.set_font(family, "", 11)
            self.cell(0, 6, DIVISION, new_x="LMARGIN", new_y="NEXT")
            self.set_line_width(0.4)
            self.line(self.l_margin, self.get_y() + 2, self.w - self.r_margin, self.get_y() + 2)
            self.ln(8)

        def footer(self) -> None:
            self.set_y(-18)
            self.set_font(family, "", 8)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Document(orientation="portrait", unit="mm", format="Letter")
    if not core_font:
        pdf.add_font(family, "", str(FONTS_DIR / "DejaVuSans.ttf"))
        pdf.add_font(family, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(left=25, top=20, right=25)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.set_title(annual.title)
    pdf.set_author(AUTHOR)
    pdf.set_subject(annual.subject)
    pdf.set_creator("CARS")
    pdf.set_lang("en-US")
    pdf.add_page()
    pdf.set_font(family, "", 10)
    pdf.cell(0, 5, f"Correspondence number: {annual.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, f"Date: {long_date(annual.issued_on)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, "", 11)
    name = annual.entity_name.encode("latin-1", "replace").decode("latin-1") if core_font else annual.entity_name
    for line in (name, f"Filer ID {annual.entity_id}"):
        pdf.multi_cell(0, 5.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, "B", 13)
    pdf.multi_cell(0, 7, annual.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for text in annual.paragraphs():
        if core_font:
            text = text.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, "", 11)
        pdf.multi_cell(0, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.ln(4)
    pdf.set_font(family, "", 11)
    pdf.cell(0, 5.5, DIVISION, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5.5, AGENCY, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def cpu_rate(draw: Callable[[Any], bytes], notices: list[Any]) -> tuple[int, float]:
    """(documents drawn, CPU seconds this process spent drawing them)."""
    started = time.process_time()
    for annual in notices:
        draw(annual)
    return len(notices), time.process_time() - started


def compare_rendering(count: int) -> tuple[float, float]:
    """Per-core rates (documents per CPU second) of the project's renderer and of bare fpdf2, in alternate rounds."""
    import io

    from pypdf import PdfReader

    from correspondence.pdf.annual_fee_notice import render_annual_fee_notice

    notices = [notice(number) for number in range(count)]
    # The same letter, checked: both print the name as filed and read back as text.
    for draw in (render_annual_fee_notice, bare_fpdf2):
        text = PdfReader(io.BytesIO(draw(notices[1]))).pages[0].extract_text()
        assert notices[1].entity_name in text, text
    totals = {"project": [0, 0.0], "bare": [0, 0.0], "core": [0, 0.0]}
    per_round = max(1, count // ROUNDS)
    for first in range(0, count, per_round):
        chunk = notices[first : first + per_round]
        for name, draw in (
            ("project", render_annual_fee_notice),
            ("bare", bare_fpdf2),
            ("core", lambda annual: bare_fpdf2(annual, core_font=True)),
        ):
            drawn, seconds = cpu_rate(draw, chunk)
            totals[name][0] += drawn
            totals[name][1] += seconds
    project, bare, core = (rate(int(totals[k][0]), totals[k][1]) for k in ("project", "bare", "core"))
    print(
        f"rendering: {int(totals['project'][0])} Annual Fee Notices each way in {ROUNDS} alternating rounds; "
        f"project renderer {project:.1f} PDFs/s/core, bare fpdf2 (DejaVu Sans embedded) {bare:.1f} PDFs/s/core, "
        f"bare fpdf2 with its built-in Helvetica (no embedded font, Latin-1 only) {core:.1f} PDFs/s/core"
    )
    return project, bare


class CountingSink:
    """An SMTP server in this process that counts the messages it receives and their distinct recipients."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        self.count = 0
        self.recipients: set[str] = set()
        self.last_at = 0.0
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                with sink._lock:
                    sink.count += 1
                    sink.recipients.update(envelope.rcpt_tos)
                    sink.last_at = time.perf_counter()
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()


class Workers:
    """Service workers as `cars-worker` processes, logging under `log_dir`."""

    def __init__(self, environment: dict[str, str], log_dir: Path) -> None:
        self.environment = environment
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, target: str) -> None:
        """Start `cars-worker target` and wait until it consumes."""
        ready = self.log_dir / f"{name}.ready"
        log = (self.log_dir / f"{name}.log").open("wb")
        argv = [str(BIN / "cars-worker"), target, "--ready-file", str(ready)]
        self.processes[name] = subprocess.Popen(argv, env=self.environment, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for(f"the {name} worker", ready.exists, self, timeout=60)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each worker, and by the correspondence worker's render processes."""
        ticks = os.sysconf("SC_CLK_TCK")
        used: dict[str, float] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, parent, cpu = int(stat.parent.name), int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks
            for name, process in self.processes.items():
                if pid == process.pid:
                    used[name] = used.get(name, 0.0) + cpu
                elif parent == process.pid:
                    used[f"{name} render processes"] = used.get(f"{name} render processes", 0.0) + cpu
        return used

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace").splitlines()[-20:]
                raise RuntimeError("\n".join([f"the {name} worker exited with {process.returncode}:", *tail]))

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(what: str, done: Callable[[], bool], workers: Workers, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        workers.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not done within {timeout:.0f}s")
        time.sleep(0.1)


def publish(amqp_uri: str, producer: str, event_type: str, payloads: list[dict[str, Any]]) -> None:
    """Publish the events as a producer's outbox relay would: persistent, confirmed, in batches."""
    from cars_shared.events import make_event
    from cars_shared.relay import ConfirmingPublisher, PendingEvent

    publisher = ConfirmingPublisher(amqp_uri)
    try:
        for first in range(0, len(payloads), PUBLISH_BATCH):
            publisher.publish(
                [
                    PendingEvent(first + offset, producer, event_type, make_event(producer, event_type, payload))
                    for offset, payload in enumerate(payloads[first : first + PUBLISH_BATCH])
                ]
            )
    finally:
        publisher.close()


def row_count(url: str, table: str) -> int:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names are this file's own
            return cursor.fetchone()[0]
    finally:
        connection.close()


def end_to_end(count: int, backend: str) -> float:
    """Seconds from publishing `count` fee_assessed events to `count` e-mails received."""
    from cars_shared.migrate import upgrade
    from correspondence import MIGRATIONS_DIR as CORRESPONDENCE_MIGRATIONS
    from notify import MIGRATIONS_DIR as NOTIFY_MIGRATIONS

    with resources(backend) as held:
        amqp_uri = held.vhost()
        correspondence_url = held.database("correspondence")
        notify_url = held.database("notify")
        upgrade(CORRESPONDENCE_MIGRATIONS, correspondence_url)
        upgrade(NOTIFY_MIGRATIONS, notify_url)
        var_dir = Path(os.environ["BENCH_KEEP_DIR"]) if os.environ.get("BENCH_KEEP_DIR") else held.tmp_path("var")
        var_dir.mkdir(parents=True, exist_ok=True)
        sink = CountingSink()
        environment = dict(
            os.environ,
            AMQP_URI=amqp_uri,
            CORRESPONDENCE_DATABASE_URL=correspondence_url,
            NOTIFY_DATABASE_URL=notify_url,
            SMTP_URL=sink.url,
            VAR_DIR=str(var_dir),
            BLOB_DIR=str(var_dir / "blobs"),
        )
        workers = Workers(environment, var_dir)
        try:
            workers.start("notify", "notify.worker:NotifyWorker")
            users = [
                {"user_id": str(uuid.uuid4()), "username": f"treasurer{n}", "email": f"treasurer{n}@example.org"}
                for n in range(count)
            ]
            entity_ids = [str(FIRST_ENTITY_ID + n) for n in range(count)]
            started = time.perf_counter()
            publish(amqp_uri, "accounts", "user_registered", users)
            publish(
                amqp_uri,
                "accounts",
                "entity_link_approved",
                [
                    {"user_id": user["user_id"], "entity_id": entity_id, "role": "officer"}
                    for user, entity_id in zip(users, entity_ids, strict=True)
                ],
            )
            wait_for(
                "notify's contact book",
                lambda: row_count(notify_url, "contacts") == count and row_count(notify_url, "memberships") == count,
                workers,
                timeout=600,
            )
            print(
                f"contact book: {count} users registered and linked to {count} entities, projected by notify in "
                f"{time.perf_counter() - started:.1f}s"
            )
            # Started once the links are known to notify: links approved long before the yearly run would each
            # have had their own letter and e-mail, which are not what this measures.
            workers.start("correspondence", "correspondence.worker:CorrespondenceWorker")
            fees = [
                {
                    "assessment_id": str(uuid.uuid4()),
                    "entity_id": entity_id,
                    "entity_name": NAMES[n % len(NAMES)].format(n=n),
                    "fee_year": FEE_YEAR,
                    "amount_cents": 5000,
                    "due_date": date(FEE_YEAR, 1, 15),
                    "late_penalty_cents": 15000,
                }
                for n, entity_id in enumerate(entity_ids)
            ]
            cpu_before = workers.cpu_seconds()
            started = time.perf_counter()
            publish(amqp_uri, "fees", "fee_assessed", fees)
            published = time.perf_counter() - started
            issued_at: list[float] = []

            def all_mailed() -> bool:
                if not issued_at and row_count(correspondence_url, "correspondence") == count:
                    issued_at.append(time.perf_counter() - started)
                return sink.count >= count

            wait_for("the e-mails", all_mailed, workers, timeout=3600)
            seconds = sink.last_at - started
            cpu = {name: used - cpu_before.get(name, 0.0) for name, used in workers.cpu_seconds().items()}
            print(
                "CPU per notice: "
                + ", ".join(f"{name} {1000 * used / count:.1f} ms" for name, used in sorted(cpu.items()))
                + f"; load average during the run {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
            )
            issued = issued_at[0] if issued_at else seconds
            print(
                f"end to end: {count} fee_assessed events published in {published:.1f}s; every notice drawn and "
                f"issued after {issued:.1f}s ({rate(count, issued):.0f}/s); {sink.count} e-mails to "
                f"{len(sink.recipients)} distinct recipients received after {seconds:.1f}s "
                f"({rate(count, seconds):.0f}/s)"
            )
            return seconds
        finally:
            workers.stop()
            sink.stop()


def main() -> int:
    arguments = parser(__doc__.splitlines()[0])
    args = arguments.parse_args()
    if args.backend != "postgres":
        arguments.error("the correspondence benchmark runs its workers on PostgreSQL")
    renders = max(ROUNDS, int(DEFAULT_RENDERS * args.scale**0.5))
    notices = max(1, int(DEFAULT_NOTICES * args.scale))
    from cars_shared import logging as cars_logging

    cars_logging.configure("bench-correspondence")
    project, bare = compare_rendering(renders)
    seconds = end_to_end(notices, args.backend)
    print(f"correspondence: {notices} Annual Fee Notices from events to e-mails received in {seconds:.1f} s")
    print(f"correspondence: {project:.1f} PDFs/s/core (ratio {project / bare:.2f} vs bare fpdf2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
