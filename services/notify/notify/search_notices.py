"""Notices of search events: an export the person asked for is ready; a saved search found new results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from notify.domain.recipients import RecipientsNotKnownYet
from notify.domain.search_email import (
    compose_export_ready_email,
    compose_saved_search_email,
    export_ready_title,
    saved_search_title,
)
from notify.handlers import Notice, _add_notice, queue_email
from notify.models import Contact, Email

SEARCH_EXPORT = "search_export"
SAVED_SEARCH = "saved_search"


def tell_of_export_ready(session: Session, event: dict[str, Any]) -> Email | None:
    """A notice on the signed-in requester's dashboard, and an e-mail if the requester gave an address; returns the
    e-mail queued now (None without an address, or if it was queued before)."""
    ready = event["payload"]
    cause_key = f"export_ready:{ready['export_id']}"
    title = export_ready_title(rows=ready["rows"], export_format=ready["format"])
    contact = session.get(Contact, ready["user_id"]) if ready["user_id"] else None
    if ready["user_id"]:
        notice = Notice(SEARCH_EXPORT, cause_key, title, ready["download_url"], _occurred_at(event))
        _add_notice(session, ready["user_id"], notice)
    if not ready["email"]:
        return None
    content = compose_export_ready_email(
        username=contact.username if contact is not None else None,
        rows=ready["rows"],
        export_format=ready["format"],
        link=ready["download_url"],
    )
    return queue_email(session, content, notice_key=cause_key, recipient=ready["email"], user_id=ready["user_id"])


def tell_of_saved_search_match(session: Session, event: dict[str, Any]) -> Email | None:
    """A notice on the owner's dashboard and an e-mail at once: they asked for these alerts by scheduling them.

    Raises RecipientsNotKnownYet while the owner's address has not reached notify, so the event is retried.
    """
    matched = event["payload"]
    contact = session.get(Contact, matched["user_id"])
    if contact is None:
        raise RecipientsNotKnownYet(f"no contact yet for user {matched['user_id']}")
    cause_key = f"saved_search:{matched['saved_search_id']}:{_iso(matched['matched_at'])}"
    title = saved_search_title(name=matched["name"], new_results=matched["new_results"])
    _add_notice(session, contact.user_id, Notice(SAVED_SEARCH, cause_key, title, matched["link"], _occurred_at(event)))
    content = compose_saved_search_email(
        username=contact.username, name=matched["name"], new_results=matched["new_results"], link=matched["link"]
    )
    return queue_email(session, content, notice_key=cause_key, recipient=contact.email, user_id=contact.user_id)


def _iso(value: datetime | str) -> str:
    return value.isoformat() if isinstance(value, datetime) else value


def _occurred_at(event: dict[str, Any]) -> datetime:
    occurred = event["occurred_at"]
    return occurred if isinstance(occurred, datetime) else datetime.fromisoformat(occurred)
