"""A text column whose values are sealed with the data keys on the way in and opened on the way out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from accounts.data_keys import data_key_ring


class SealedText(TypeDecorator[str]):
    """Text kept encrypted in the database; `context` (table.column) binds each value to where it belongs."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else data_key_ring().seal(value, self.context)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else data_key_ring().open(value, self.context)
