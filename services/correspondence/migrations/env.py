"""Alembic environment of the correspondence database."""

import correspondence.access_code_letters.models  # noqa: F401 - registers the print queue tables
from cars_shared.migrate import run_env
from correspondence.models import Base

run_env(Base.metadata)
