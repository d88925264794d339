"""`make run`'s runner: the whole system on its embedded defaults, stopped by Ctrl-C with nothing left behind."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from cars_shared.supervisor import free_port

pytestmark = pytest.mark.e2e


def processes_with(var_dir: str) -> list[int]:
    """Processes started with this VAR_DIR in their environment."""
    found = []
    marker = f"VAR_DIR={var_dir}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_run_serves_every_service_on_one_port_and_ctrl_c_leaves_no_process(tmp_path, amqp_vhost, eventually):
    var_dir = str(tmp_path / "var")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_DATABASE_URL", "SMTP_URL"))}
    env.update(VAR_DIR=var_dir, AMQP_URI=amqp_vhost, PORT=str(port))
    runner = subprocess.Popen(
        [str(Path(sys.executable).parent / "cars-run")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def healthy():
            try:
                return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                assert runner.poll() is None, runner.stdout.read().decode()
                return False

        eventually(healthy, timeout=120)
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert {name for name, entry in health["services"].items() if entry["ready"]} == {
            "accounts",
            "filings",
            "fees",
            "correspondence",
            "notify",
            "search",
        }
        assert requests.get(f"http://127.0.0.1:{port}/mail/", timeout=5).json() == {"messages": []}
        assert sorted(p.name for p in Path(var_dir).glob("*.db")) == sorted(
            f"{s}.db" for s in ("accounts", "filings", "fees", "correspondence", "notify", "search")
        )
        assert len(processes_with(var_dir)) >= 14  # runner, 6 workers, 6 gateways, mail sink, front door
    finally:
        os.killpg(runner.pid, signal.SIGINT)
        output = runner.communicate(timeout=60)[0].decode()
    assert runner.returncode == 0, output
    assert "Stopping CARS" in output
    assert processes_with(var_dir) == []
