"""CARS notify service."""

from pathlib import Path

SERVICE = "notify"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
