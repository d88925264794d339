"""Alembic environment of the search database."""

from cars_shared.migrate import run_env
from search.models import Base

run_env(Base.metadata)
