"""Alembic environment of the accounts database."""

import accounts.audit.models  # noqa: F401 - registers the audit tables
import accounts.feed_partners.models  # noqa: F401 - registers the feed partner tables
import accounts.links.models  # noqa: F401 - registers the link tables
import accounts.vendors.models  # noqa: F401 - registers the vendor tables
from accounts.models import Base
from cars_shared.migrate import run_env

run_env(Base.metadata)
