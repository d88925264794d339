"""The notify HTTP gateway."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask_smorest import Blueprint

from cars_shared.web.app import create_gateway, protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import NotFound
from notify import handlers, permissions
from notify.alerts.routes import blueprint as alerts_blueprint
from notify.alerts.routes import problems as alert_problems
from notify.domain.preferences import Preference
from notify.models import DashboardNotice
from notify.partners.routes import blueprint as partners_blueprint
from notify.partners.routes import problems as partner_problems
from notify.schemas import (
    FailedEmailsOut,
    FailedEmailsQuery,
    NoticeOut,
    NoticesOut,
    NoticesQuery,
    PreferenceSchema,
)

blueprint = Blueprint("notify", __name__, description="Dashboard notices, preferences and e-mail")


@blueprint.route("/notices", methods=["GET"])
@blueprint.arguments(NoticesQuery, location="query")
@blueprint.response(200, NoticesOut)
@protected(blueprint)
def my_notices(query: dict[str, Any]) -> dict[str, Any]:
    """The caller's newest notices and the number still unread."""
    with session_scope() as session:
        return handlers.notices_of(session, permissions.notice_owner(current_principal()), query["limit"])


@blueprint.route("/notices/<uuid:notice_id>/read", methods=["POST"])
@blueprint.response(200, NoticeOut)
@protected(blueprint, 404)
def read_notice(notice_id: uuid.UUID) -> DashboardNotice:
    """Mark one of the caller's notices read."""
    with session_scope() as session:
        notice = handlers.mark_notice_read(session, permissions.notice_owner(current_principal()), str(notice_id))
        if notice is None:
            raise NotFound("You have no notice with this id.")
        return notice


@blueprint.route("/preferences", methods=["GET"])
@blueprint.response(200, PreferenceSchema)
@protected(blueprint)
def my_preferences() -> dict[str, Any]:
    """Which kinds of notice the caller gets by e-mail, and whether at once or in a daily digest."""
    with session_scope() as session:
        return _preference_out(handlers.preference_of(session, permissions.preference_owner(current_principal())))


@blueprint.route("/preferences", methods=["PUT"])
# The token is checked before the body, so a caller without one learns nothing from validation.
@protected(blueprint)
@blueprint.arguments(PreferenceSchema)
@blueprint.response(200, PreferenceSchema)
def set_my_preferences(body: dict[str, Any]) -> dict[str, Any]:
    """Choose the kinds of notice sent by e-mail and immediate or daily digest delivery."""
    preference = Preference(email_kinds=frozenset(body["email_kinds"]), delivery=body["delivery"])
    with session_scope() as session:
        handlers.set_preference(session, permissions.preference_owner(current_principal()), preference)
    return _preference_out(preference)


def _preference_out(preference: Preference) -> dict[str, Any]:
    return {"email_kinds": sorted(preference.email_kinds), "delivery": preference.delivery}


@blueprint.route("/staff/failed-emails", methods=["GET"])
@protected(blueprint, 403)
@blueprint.arguments(FailedEmailsQuery, location="query")
@blueprint.response(200, FailedEmailsOut)
def failed_emails(query: dict[str, Any]) -> dict[str, Any]:
    """E-mails given up on (refused for good or out of attempts), newest first, with the last error: staff only."""
    permissions.require_staff(current_principal())
    with session_scope() as session:
        return {"emails": handlers.failed_emails(session, query["limit"])}


def create_app(**options: Any) -> Flask:
    return create_gateway(
        "notify",
        [blueprint, alerts_blueprint, partners_blueprint],
        title="CARS notify",
        problems={**alert_problems, **partner_problems},
        **options,
    )
