"""Who may read a piece of correspondence."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

STAFF_ROLE = "staff"


@dataclass(frozen=True)
class Reader:
    """A signed-in person: their id, roles and the entities they may act for."""

    user_id: str
    roles: Collection[str]
    entity_ids: Collection[str]

    @property
    def is_staff(self) -> bool:
        return STAFF_ROLE in self.roles


def may_read(reader: Reader, addressed_user_id: str | None, addressed_entity_id: str | None) -> bool:
    """Staff read everything; others read what is addressed to them or to an entity they are linked to."""
    if reader.is_staff:
        return True
    if addressed_user_id is not None and addressed_user_id == reader.user_id:
        return True
    return addressed_entity_id is not None and addressed_entity_id in reader.entity_ids
