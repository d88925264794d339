"""Alembic environment of the fees database."""

from cars_shared.migrate import run_env
from fees.models import Base

run_env(Base.metadata)
