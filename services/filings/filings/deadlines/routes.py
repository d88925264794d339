"""Filing calendars and deadlines routes."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import NotFound, documents_problems
from filings.deadlines import handlers, permissions, wording
from filings.deadlines.models import DeadlineRun
from filings.deadlines.schemas import (
    AsOfQuery,
    CalendarOut,
    CalendarQuery,
    DeadlineRunIn,
    DeadlineRunOut,
    EntityDeadlinesOut,
)
from filings.domain.deadlines import filing_calendar, reporting_windows, state_holidays
from filings.domain.periods import ELECTIONS

blueprint = Blueprint("deadlines", __name__, description="Filing periods, deadlines and late filings")

ENTITY_ID = r"[A-Za-z0-9]{1,20}"


@blueprint.route("/v1/entities/<entity_id>/deadlines", methods=["GET"])
@blueprint.arguments(AsOfQuery, location="query", as_kwargs=True)
@blueprint.response(200, EntityDeadlinesOut)
@documents_problems(blueprint, 404, by_reference=True)
def entity_deadlines(entity_id: str, as_of: date | None) -> dict[str, Any]:
    """An entity's filings coming due in the next year, those past due, and those it filed late."""
    if re.fullmatch(ENTITY_ID, entity_id):
        with session_scope() as session:
            view = handlers.entity_deadlines(session, entity_id, as_of or handlers.california_today())
            if view is not None:
                return wording.entity_deadlines(view)
    raise NotFound(f"No filing entity has ID {entity_id}.")


@blueprint.route("/v1/calendar", methods=["GET"])
@blueprint.arguments(CalendarQuery, location="query", as_kwargs=True)
@blueprint.response(200, CalendarOut)
def calendar(year: int | None) -> dict[str, Any]:
    """The filing calendar of a year: every periodic filing's period and due date, elections and holidays."""
    year = year or handlers.california_today().year
    return {
        "year": year,
        "deadlines": [wording.calendar_entry(entry) for entry in filing_calendar(year)],
        "reporting_windows": [wording.reporting_window(window) for window in reporting_windows(year)],
        "elections": [
            {"name": election.name, "held_on": election.held_on, "kind": election.kind.value}
            for election in ELECTIONS
            if election.held_on.year == year
        ],
        "state_holidays": [{"date": day, "name": name} for day, name in sorted(state_holidays(year).items())],
    }


@blueprint.route("/v1/deadlines/runs", methods=["POST"])
@protected(blueprint, 403, by_reference=True)
@blueprint.arguments(DeadlineRunIn)
@blueprint.response(201, DeadlineRunOut)
def run_deadline_check(run: dict[str, Any]) -> DeadlineRun:
    """Staff: find the filings late or missing by the end of a day, and publish those not yet published."""
    principal = current_principal()
    permissions.require_staff(principal)
    as_of = run["as_of"] or handlers.california_today()
    return handlers.check_deadlines(current_app.extensions["cars.database"], as_of, principal.user_id)
