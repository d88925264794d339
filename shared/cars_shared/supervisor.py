"""`cars-run`: the whole system on one machine: migrations, workers, gateways, mail sink, front door."""

from __future__ import annotations

import argparse
import ctypes
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from cars_shared.config import AMQP_URI, PORT, SERVICES, SMTP_URL
from cars_shared.migrate import upgrade

BIN = Path(sys.executable).parent
RABBITMQ_HELP = (
    "RabbitMQ is required and is not reachable at {uri}.\n"
    "Install it, then run `make run` again:\n"
    "  Debian/Ubuntu: sudo apt-get install rabbitmq-server\n"
    "  macOS:         brew install rabbitmq && brew services start rabbitmq\n"
    "or point AMQP_URI at a running broker."
)


class StartupError(RuntimeError):
    """The system could not be brought up; the message says why."""


def _die_with_parent() -> None:
    # Linux: the child gets SIGTERM if the supervisor itself dies, so nothing is left behind.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    return free_ports(1)[0]


SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn makes its own file there, with mkstemp


def gunicorn_tmp_args() -> list[str]:
    """Where gunicorn's workers touch their heartbeat file (once per loop): memory, where the system has it."""
    return ["--worker-tmp-dir", SHARED_MEMORY] if os.path.isdir(SHARED_MEMORY) else []


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free on this machine now: all are held open until each is chosen."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def ensure_rabbitmq(amqp_uri: str, wait_seconds: float = 90) -> None:
    """Start a locally installed but stopped RabbitMQ; fail clearly when there is none."""
    parts = urlsplit(amqp_uri)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5672
    if port_open(host, port):
        return
    server = shutil.which("rabbitmq-server") or (
        "/usr/sbin/rabbitmq-server" if Path("/usr/sbin/rabbitmq-server").exists() else None
    )
    if host not in ("127.0.0.1", "localhost") or server is None:
        raise StartupError(RABBITMQ_HELP.format(uri=f"{host}:{port}"))
    print(f"Starting RabbitMQ ({server} -detached) ...", flush=True)
    subprocess.run([server, "-detached"], check=False)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        time.sleep(1)
    raise StartupError(RABBITMQ_HELP.format(uri=f"{host}:{port}"))


def worker_target(service: str) -> str:
    return f"{service}.worker:{service.capitalize()}Worker"


@dataclass
class LocalSystem:
    """The six services as separate processes, started and stopped in order."""

    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    port: int = 8000
    with_mail_sink: bool = True
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    gateway_urls: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log_dir = self.log_dir or Path(self.env.get("VAR_DIR", "var")) / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child for its lifetime
        process = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent
        )
        log.close()
        self.processes.append((name, process))
        return process

    def _check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise StartupError(f"{name} exited with code {process.returncode}; see its log under var/logs/.")

    def _wait(self, what: str, ready: Callable[[], bool], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if ready():
                return
            time.sleep(0.2)
        raise StartupError(f"{what} was not ready within {timeout:.0f} s")

    def start(self) -> None:
        env = self.env
        var_dir = Path(env.get("VAR_DIR", "var")).resolve()
        env["VAR_DIR"] = str(var_dir)
        ensure_rabbitmq(env.get("AMQP_URI", AMQP_URI.get()))
        for service in SERVICES:
            package = importlib.import_module(service)
            url = env.get(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{var_dir / f'{service}.db'}"
            var_dir.mkdir(parents=True, exist_ok=True)
            upgrade(package.MIGRATIONS_DIR, url)
        if self.with_mail_sink and "SMTP_URL" not in env:
            sink_port = urlsplit(SMTP_URL.default).port or 8025
            if port_open("127.0.0.1", sink_port):
                sink_port = free_port()
            env["SMTP_URL"] = f"smtp://127.0.0.1:{sink_port}"
            self._spawn("smtp-sink", [str(BIN / "cars-smtp-sink"), "--port", str(sink_port)], env)
            self._wait("the mail sink", lambda: port_open("127.0.0.1", sink_port))
        ports = dict(zip(SERVICES, free_ports(len(SERVICES)), strict=True))
        self.gateway_urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
        env["ACCOUNTS_JWKS_URL"] = f"{self.gateway_urls['accounts']}/api/accounts/jwks.json"
        env.setdefault("PORTAL_URL", f"http://127.0.0.1:{self.port}")
        ready_dir = var_dir / "run"
        ready_dir.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            ready_file = ready_dir / f"{service}.ready"
            ready_file.unlink(missing_ok=True)
            self._spawn(
                f"{service}-worker",
                [str(BIN / "cars-worker"), worker_target(service), "--ready-file", str(ready_file)],
                env,
            )
        for service in SERVICES:
            self._wait(f"the {service} worker", (ready_dir / f"{service}.ready").exists)
        for service, port in ports.items():
            self._spawn(
                f"{service}-gateway",
                [
                    str(BIN / "gunicorn"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "8",
                    *gunicorn_tmp_args(),
                    "--access-logfile",
                    "-",
                    f"{service}.gateway:create_app()",
                ],
                env,
            )
        for service, url in self.gateway_urls.items():
            self._wait(
                f"the {service} gateway", lambda url=url, service=service: self._answers(f"{url}/api/{service}/healthz")
            )
        front_env = dict(env, **{f"{s.upper()}_GATEWAY_URL": u for s, u in self.gateway_urls.items()})
        self._spawn("frontdoor", [str(BIN / "cars-frontdoor"), "--port", str(self.port)], front_env)
        self._wait("the front door", lambda: self._answers(f"http://127.0.0.1:{self.port}/healthz"))

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self, timeout: float = 15) -> None:
        """Front door and gateways first, then workers, then the mail sink; nothing is left running."""
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-run", description=__doc__)
    parser.add_argument("--port", type=int, default=int(PORT.get()))
    args = parser.parse_args(argv)
    system = LocalSystem(port=args.port)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    # Ctrl-C stops the system even when started from a shell or runner that ignores SIGINT in what it starts.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        system.start()
        print(
            f"CARS is running on http://127.0.0.1:{args.port}  (health: /healthz, mail: /mail/). Ctrl-C stops it.",
            flush=True,
        )
        while not stopping:
            system._check_alive()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except StartupError as error:
        print(f"cars-run: {error}", file=sys.stderr)
        return 1
    finally:
        print("Stopping CARS ...", flush=True)
        system.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
