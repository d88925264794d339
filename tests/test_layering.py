"""Dependencies point inward: domain code imports no framework; gateways never load eventlet."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from cars_shared.config import SERVICES

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = {"flask", "flask_smorest", "nameko", "eventlet", "sqlalchemy", "kombu", "werkzeug"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_domain_code_imports_no_framework(service):
    domain = ROOT / "services" / service / service / "domain"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & FRAMEWORKS) for path in domain.rglob("*.py")
    }
    assert not {path: names for path, names in offenders.items() if names}


@pytest.mark.parametrize("service", SERVICES)
def test_gateway_does_not_load_eventlet_or_nameko(service):
    probe = (
        f"import sys, {service}.gateway as g; g.create_app; "
        "print(sorted(m for m in ('eventlet', 'nameko') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
