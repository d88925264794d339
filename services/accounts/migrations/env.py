"""Alembic environment of the accounts database."""

from accounts.models import Base
from cars_shared.migrate import run_env

run_env(Base.metadata)
