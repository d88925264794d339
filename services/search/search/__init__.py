"""CARS search service."""

from pathlib import Path

SERVICE = "search"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
