"""deploy/Dockerfile: one image holding every service, whose commands name code that exists."""

from __future__ import annotations

import importlib
import re
import tomllib

import pytest
from deploy_facts import DEPLOY, ROOT, service_class

DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
IGNORE = [
    line.strip()
    for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def run_lines() -> str:
    return " ".join(line for line in DOCKERFILE.replace("\\\n", " ").splitlines() if line.startswith("RUN "))


def test_image_is_python_3_11_slim():
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.M) == ["python:3.11-slim"]


def test_image_installs_the_pinned_runtime_set():
    assert "COPY requirements/base.txt requirements/base.txt" in DOCKERFILE
    assert "pip install -r requirements/base.txt" in run_lines()


def test_image_installs_shared_and_every_service_editable_so_migrations_stay_beside_them():
    run = run_lines()
    assert "--editable ./shared" in run
    assert "for service in services/*/" in run and "--editable %s" in run
    assert "pip check" in run


def test_image_runs_as_an_unprivileged_user():
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_build_context_leaves_out_tests_and_local_state():
    assert IGNORE[0] == "*"
    for kept in ("!requirements/base.txt", "!shared/", "!services/"):
        assert kept in IGNORE
    for dropped in ("**/tests/", "**/*.egg-info/", "**/var/"):
        assert dropped in IGNORE


def test_commands_the_deployment_runs_are_installed_by_the_image():
    scripts = tomllib.loads((ROOT / "shared" / "pyproject.toml").read_text())["project"]["scripts"]
    assert {"cars-worker", "cars-db"} <= set(scripts)
    assert re.search(r"^gunicorn==", (ROOT / "requirements" / "base.txt").read_text(), re.M)


def _module_or_skip(service: str, module: str) -> object:
    if not (ROOT / "services" / service / service / f"{module}.py").exists():
        pytest.skip(f"services/{service}/{service}/{module}.py is not written yet")
    return importlib.import_module(f"{service}.{module}")


def test_worker_command_names_the_service_worker_class(service):
    worker = getattr(_module_or_skip(service, "worker"), service_class(service))
    assert worker.name == service


def test_gateway_command_names_an_app_factory(service):
    assert callable(_module_or_skip(service, "gateway").create_app)


def test_migration_command_finds_the_service_migrations(service):
    package = importlib.import_module(service)
    assert (package.MIGRATIONS_DIR / "versions").is_dir()
