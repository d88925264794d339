"""Alembic environment of the filings database."""

from cars_shared.migrate import run_env
from filings.models import Base

run_env(Base.metadata)
