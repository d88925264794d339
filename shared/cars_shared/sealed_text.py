"""A text column whose values are sealed with a service's data keys on the way in and opened on the way out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from cars_shared.data_keys import DataKeys


class SealedText(TypeDecorator[str]):
    """Text kept encrypted in the database; `context` (table.column) binds each value to where it belongs."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str, keys: DataKeys) -> None:
        super().__init__()
        self.context = context
        self.keys = keys

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else self.keys.ring().seal(value, self.context)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else self.keys.ring().open(value, self.context)
