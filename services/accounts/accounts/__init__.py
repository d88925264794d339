"""CARS accounts service."""

from pathlib import Path

SERVICE = "accounts"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
