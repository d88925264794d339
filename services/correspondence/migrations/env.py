"""Alembic environment of the correspondence database."""

from cars_shared.migrate import run_env
from correspondence.models import Base

run_env(Base.metadata)
