"""CARS filings service."""

from pathlib import Path

SERVICE = "filings"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
