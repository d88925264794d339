"""What a filing can be refused for, each naming what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleViolation:
    """One broken rule; `field` is the dotted path of the input at fault (e.g. "schedule_a.2.employer")."""

    field: str
    message: str


class FilingRefused(Exception):
    """Base of every reason a filing is not accepted."""


class EntityNotFound(FilingRefused):
    def __init__(self, entity_id: str) -> None:
        super().__init__(f"No filing entity has ID {entity_id}.")
        self.entity_id = entity_id


class NotPermittedToFile(FilingRefused):
    def __init__(self, entity_id: str) -> None:
        super().__init__(f"You are not an officer or agent of entity {entity_id}; ask for a link to it first.")
        self.entity_id = entity_id


class FilingRejected(FilingRefused):
    """The filing breaks one or more of its form's rules."""

    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.message}" for v in violations))
        self.violations = tuple(violations)
