"""The README stays in step with the code."""

from pathlib import Path

from cars_shared.config import SERVICES, VARIABLES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_configuration_variable():
    missing = [name for name in VARIABLES if f"`{name}`" not in README]
    assert not missing, f"README configuration table lacks {missing}"


def test_readme_names_the_two_commands_and_every_service():
    assert "make run" in README and "make test" in README
    assert all(f"| {service} |" in README for service in SERVICES)
