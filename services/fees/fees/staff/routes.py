"""Staff routes on accounts: waive, adjust, reverse, record a written notice; the staff log and the yearly runs.

Every action, done or refused, is in the staff action log with who, what, when, from where and the outcome.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, Forbidden, NotFound, Problem, register_problems
from fees import permissions
from fees.domain.calendar import california_today
from fees.domain.late_filing import WaiverRefused
from fees.models import AssessmentRun
from fees.staff import handlers
from fees.staff.handlers import ActionRefused, Clerk, NotOnFile
from fees.staff.schemas import (
    AdjustmentIn,
    AssessmentRunListOut,
    EntryOut,
    NoticeIn,
    NoticeOut,
    ReversalIn,
    StaffActionListOut,
    StaffActionsQuery,
    WaiverIn,
)

blueprint = Blueprint("staff", __name__, description="Staff work on accounts (staff only)")
register_problems(
    blueprint,
    {
        NotOnFile: lambda error: NotFound(str(error), field=error.field),
        ActionRefused: lambda error: Conflict(str(error), field=error.field),
        WaiverRefused: lambda error: Conflict(str(error), field=error.field),
    },
)

ENTITY_ID = re.compile(r"[A-Za-z0-9]{1,20}")
REFUSALS = (NotOnFile, ActionRefused, WaiverRefused, Problem)
Result = TypeVar("Result")


def _clerk() -> Clerk:
    return Clerk(current_principal().user_id, request.remote_addr)


def _log(
    action: str, entity_id: str | None, target_id: str | None, detail: dict[str, Any], outcome: str, why: str | None
) -> None:
    if entity_id is not None and not ENTITY_ID.fullmatch(entity_id):
        # Not an entity id at all: kept (shortened) as what was asked, never as an account.
        detail, entity_id = {**detail, "entity_id_given": entity_id[:100]}, None
    with session_scope() as session:
        handlers.log_action(
            session,
            _clerk(),
            action,
            entity_id=entity_id,
            target_id=target_id,
            detail=detail,
            outcome=outcome,
            outcome_detail=why,
        )


def staff_action(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Staff only (checked before the request is read); a caller refused is logged with what they attempted."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                permissions.require_staff(current_principal())
            except Forbidden as refusal:
                _log(action, kwargs.get("entity_id"), None, {}, "refused", refusal.detail)
                raise
            return view(*args, **kwargs)

        return wrapper

    return decorate


def perform_staff_action(
    action: str,
    entity_id: str,
    target_id: str | None,
    detail: dict[str, Any],
    use_case: Callable[[Session, Clerk], Result],
) -> Result:
    """Run the action and its log line in one transaction; a refusal is logged on its own and answered."""
    clerk = _clerk()
    try:
        if not ENTITY_ID.fullmatch(entity_id):
            raise NotOnFile(f"No account of entity {entity_id} is on file.")
        with session_scope() as session:
            result = use_case(session, clerk)
            handlers.log_action(
                session,
                clerk,
                action,
                entity_id=entity_id,
                target_id=target_id or getattr(result, "id", None),
                detail=detail,
                outcome="done",
            )
        return result
    except IntegrityError as clash:
        # The same change made at the same moment by someone else (the ledger's unique keys caught it).
        _log(action, entity_id, target_id, detail, "refused", "changed meanwhile")
        raise Conflict("The account changed meanwhile; reload it and try again.") from clash
    except REFUSALS as refusal:
        _log(action, entity_id, target_id, detail, "refused", str(getattr(refusal, "detail", refusal)))
        raise


@blueprint.route("/v1/entities/<entity_id>/waivers", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@staff_action("waive_fine")
@blueprint.arguments(WaiverIn)
@blueprint.response(201, EntryOut)
def waive(body: dict[str, Any], entity_id: str) -> Any:
    """Waive a late filing fine (lateness not wilful), with the reason; refused once a notice went unanswered."""
    detail = {"item_id": body["item_id"], "reason": body["reason"], "wilful": body["wilful"]}
    return perform_staff_action(
        "waive_fine",
        entity_id,
        body["item_id"],
        detail,
        lambda session, clerk: handlers.waive_fine(
            session,
            clerk,
            entity_id,
            body["item_id"],
            reason=body["reason"],
            wilful=body["wilful"],
            today=california_today(),
        ),
    )


@blueprint.route("/v1/entities/<entity_id>/adjustments", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@staff_action("adjust")
@blueprint.arguments(AdjustmentIn)
@blueprint.response(201, EntryOut)
def adjust(body: dict[str, Any], entity_id: str) -> Any:
    """Adjust the account with a reason: against one charge, or as a charge or credit of its own."""
    return perform_staff_action(
        "adjust",
        entity_id,
        body["item_id"],
        {"amount_cents": body["amount_cents"], "reason": body["reason"], "item_id": body["item_id"]},
        lambda session, clerk: handlers.adjust(
            session,
            clerk,
            entity_id,
            amount_cents=body["amount_cents"],
            reason=body["reason"],
            item_id=body["item_id"],
            today=california_today(),
        ),
    )


@blueprint.route("/v1/entities/<entity_id>/reversals", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@staff_action("reverse_entry")
@blueprint.arguments(ReversalIn)
@blueprint.response(201, EntryOut)
def reverse(body: dict[str, Any], entity_id: str) -> Any:
    """Correct an entry by reversing it, with the reason (entries are never changed)."""
    return perform_staff_action(
        "reverse_entry",
        entity_id,
        body["entry_id"],
        {"entry_id": body["entry_id"], "reason": body["reason"]},
        lambda session, clerk: handlers.reverse_entry(
            session, clerk, entity_id, body["entry_id"], reason=body["reason"], today=california_today()
        ),
    )


@blueprint.route("/v1/entities/<entity_id>/late-filing-notices", methods=["POST"])
@protected(blueprint, 403, 404, 409, by_reference=True)
@staff_action("record_notice")
@blueprint.arguments(NoticeIn)
@blueprint.response(200, NoticeOut)
def record_notice(body: dict[str, Any], entity_id: str) -> Any:
    """Record the day a written notice of the filing requirement was sent for a late filing fine."""
    sent_on: date = body["sent_on"]
    return perform_staff_action(
        "record_notice",
        entity_id,
        body["item_id"],
        {"item_id": body["item_id"], "sent_on": sent_on.isoformat()},
        lambda session, _clerk: handlers.record_notice(
            session, entity_id, body["item_id"], sent_on, california_today()
        ),
    )


@blueprint.route("/v1/staff-actions", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@permissions.staff_only
@blueprint.arguments(StaffActionsQuery, location="query")
@blueprint.response(200, StaffActionListOut)
def staff_actions(query: dict[str, Any]) -> dict[str, Any]:
    """The staff action log, newest first: every action on accounts, done or refused."""
    with session_scope() as session:
        return {"items": handlers.staff_actions(session, query["entity_id"], query["limit"])}


@blueprint.route("/v1/assessment-runs", methods=["GET"])
@protected(blueprint, 403, by_reference=True)
@permissions.staff_only
@blueprint.response(200, AssessmentRunListOut)
def assessment_runs() -> dict[str, Any]:
    """The latest yearly assessment runs and how far each got (entities assessed of those owing)."""
    with session_scope() as session:
        runs = session.scalars(select(AssessmentRun).order_by(AssessmentRun.started_at.desc()).limit(20)).all()
        return {"items": list(runs)}
