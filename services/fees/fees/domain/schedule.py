"""Rules in force by date: a schedule is a tuple of rules, each taking effect on its `effective_from` day."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar


class DatedRule(Protocol):
    @property
    def effective_from(self) -> date: ...


Rule = TypeVar("Rule", bound=DatedRule)


class NoRuleInForce(LookupError):
    """No rule of a schedule was in force on the day asked about."""


# Schedules are tuples of frozen rules: the answer for a day never changes, and batch jobs ask it per entity.
@functools.lru_cache(maxsize=4096)
def in_force(schedule: Sequence[Rule], day: date, what: str) -> Rule:
    """The rule of `schedule` in force on `day`: the latest one that took effect on or before it."""
    taken_effect = [rule for rule in schedule if rule.effective_from <= day]
    if not taken_effect:
        raise NoRuleInForce(f"no {what} rule in force on {day.isoformat()}")
    return max(taken_effect, key=lambda rule: rule.effective_from)
