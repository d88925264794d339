"""Payment reminders: how many days before a fee's due date the entity is reminded of what it still owes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fees.domain.schedule import in_force


@dataclass(frozen=True)
class ReminderRule:
    effective_from: date
    days_before: tuple[int, ...]
    """A reminder goes out this many days before the due date (each number one reminder)."""


REMINDER_SCHEDULE: tuple[ReminderRule, ...] = (ReminderRule(effective_from=date(2013, 1, 1), days_before=(7,)),)


def rule_on(day: date, schedule: tuple[ReminderRule, ...] = REMINDER_SCHEDULE) -> ReminderRule:
    """The reminder rule in force on `day`."""
    return in_force(schedule, day, "payment reminder")


def reminders_due(assessed_on: date, due_on: date, today: date, rule: ReminderRule) -> tuple[int, ...]:
    """The reminders (days before) that are due today or were missed, for a fee assessed on `assessed_on`.

    A reminder is sent once its day has come, until the due date; none is sent for a point in time the
    fee had not been assessed yet (the notice itself said when it is due).
    """
    if today >= due_on:
        return ()
    return tuple(
        days
        for days in rule.days_before
        if due_on - timedelta(days=days) <= today and due_on - timedelta(days=days) > assessed_on
    )
