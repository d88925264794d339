"""Deadlines in plain language, for the public calendar and an entity's deadline view."""

from __future__ import annotations

from datetime import date
from typing import Any

from filings.deadlines.handlers import EntityDeadlines, form_title
from filings.deadlines.models import LateFiling
from filings.domain.deadlines import CalendarEntry, Deadline, ReportingWindow, days_late, filers_of
from filings.domain.periods import Election, PeriodKind

KIND_NAMES: dict[PeriodKind, str] = {
    PeriodKind.SEMI_ANNUAL: "semi-annual statement",
    PeriodKind.FIRST_PRE_ELECTION: "first pre-election statement",
    PeriodKind.SECOND_PRE_ELECTION: "second pre-election statement",
    PeriodKind.QUARTERLY: "quarterly report",
    PeriodKind.TWENTY_FOUR_HOUR: "24-hour report",
}


def long_date(day: date) -> str:
    """A date as people write it: July 31, 2026."""
    return f"{day:%B} {day.day}, {day.year}"


def plural_days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _what(form: str, kind: PeriodKind, election: Election | None, start: date, end: date) -> str:
    for_election = f" for the {election.name}" if election else ""
    return (
        f"Form {form.removeprefix('F')} ({form_title(form)}), {KIND_NAMES[kind]}{for_election}, "
        f"covering {long_date(start)} through {long_date(end)}"
    )


def _election(election: Election | None) -> dict[str, Any]:
    return {"election": election.name if election else None, "election_date": election.held_on if election else None}


def _deadline(deadline: Deadline, summary: str, **extra: Any) -> dict[str, Any]:
    return {
        "form": deadline.form,
        "form_name": form_title(deadline.form),
        "kind": deadline.kind.value,
        "period_start": deadline.period_start,
        "period_end": deadline.period_end,
        "due_on": deadline.due_on,
        **_election(deadline.election),
        "summary": summary,
        **extra,
    }


def upcoming(deadline: Deadline) -> dict[str, Any]:
    what = _what(deadline.form, deadline.kind, deadline.election, deadline.period_start, deadline.period_end)
    return _deadline(deadline, f"{what}: due {long_date(deadline.due_on)}.", days_late=0)


def past_due(deadline: Deadline, as_of: date) -> dict[str, Any]:
    late = days_late(deadline.due_on, as_of)
    what = _what(deadline.form, deadline.kind, deadline.election, deadline.period_start, deadline.period_end)
    summary = f"{what}: was due {long_date(deadline.due_on)} and has not been filed; {plural_days(late)} late."
    return _deadline(deadline, summary, days_late=late)


def filed_late(row: LateFiling) -> dict[str, Any]:
    filed_on = row.filed_on or row.found_on
    summary = (
        f"Form {row.form.removeprefix('F')} ({form_title(row.form)}) covering {long_date(row.period_start)} through "
        f"{long_date(row.period_end)}: due {long_date(row.due_on)}, filed {long_date(filed_on)}, "
        f"{plural_days(row.days_late)} late."
    )
    return {
        "form": row.form,
        "form_name": form_title(row.form),
        "period_start": row.period_start,
        "period_end": row.period_end,
        "due_on": row.due_on,
        "filed_on": row.filed_on,
        "days_late": row.days_late,
        "filing_id": row.filing_id,
        "summary": summary,
    }


def entity_deadlines(view: EntityDeadlines) -> dict[str, Any]:
    """An entity's deadline view, each line with a sentence saying what is owed and when."""
    return {
        "entity_id": view.entity.entity_id,
        "entity_name": view.entity.name,
        "as_of": view.as_of,
        "upcoming": [upcoming(deadline) for deadline in view.upcoming],
        "past_due": [past_due(deadline, view.as_of) for deadline in view.past_due],
        "filed_late": [filed_late(row) for row in view.filed_late],
    }


def calendar_entry(entry: CalendarEntry) -> dict[str, Any]:
    what = _what(entry.form, entry.kind, entry.election, entry.period_start, entry.period_end)
    return {
        "form": entry.form,
        "form_name": form_title(entry.form),
        "kind": entry.kind.value,
        "description": entry.description,
        "filed_by": list(filers_of(entry.form)),
        "period_start": entry.period_start,
        "period_end": entry.period_end,
        "due_on": entry.due_on,
        **_election(entry.election),
        "summary": f"{what}: due {long_date(entry.due_on)}.",
    }


def reporting_window(window: ReportingWindow) -> dict[str, Any]:
    summary = (
        f"Form {window.form.removeprefix('F')} ({form_title(window.form)}): from {long_date(window.first_day)} "
        f"through {long_date(window.last_day)}, report each contribution or expenditure of $1,000 or more "
        f"within 24 hours (the {window.election.name})."
    )
    return {
        "form": window.form,
        "form_name": form_title(window.form),
        **_election(window.election),
        "first_day": window.first_day,
        "last_day": window.last_day,
        "summary": summary,
    }
