"""Alembic environment of the notify database."""

from cars_shared.migrate import run_env
from notify.models import Base

run_env(Base.metadata)
