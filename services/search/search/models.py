"""Tables of the search database (the outbox and inbox come from the shared messaging tables)."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
