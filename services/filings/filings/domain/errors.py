"""What a submission can be refused for on receipt, naming what is wrong."""

from __future__ import annotations


class EntityNotFound(Exception):
    """No entity of this ID that the caller may file for in its space."""

    def __init__(self, entity_id: str) -> None:
        super().__init__(f"No filing entity has ID {entity_id}.")
        self.entity_id = entity_id
