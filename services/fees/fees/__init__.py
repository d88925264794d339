"""CARS fees service."""

from pathlib import Path

SERVICE = "fees"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
