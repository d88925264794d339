"""CARS correspondence service."""

from pathlib import Path

SERVICE = "correspondence"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
