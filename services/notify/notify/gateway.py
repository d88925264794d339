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
from notify.models import DashboardNotice
from notify.schemas import NoticeOut, NoticesOut, NoticesQuery

blueprint = Blueprint("notify", __name__, description="Dashboard notices and e-mail")


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


def create_app(**options: Any) -> Flask:
    return create_gateway("notify", [blueprint], title="CARS notify", **options)
