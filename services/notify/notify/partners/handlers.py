"""Use cases of the public event stream run by the notify worker: translate and record, purge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from notify.partners import feed, webhooks
from notify.partners.translator import translate


def record_public_events(session: Session, events: list[dict[str, Any]], portal_url: str, now: datetime) -> list[int]:
    """Append the public events of checked internal events to the feed, oldest first; returns their sequences."""
    public = [translated for event in events if (translated := translate(event, portal_url)) is not None]
    # A batch holds what the broker had ready; ordering it by when each happened keeps the producer's order.
    return feed.append(session, sorted(public, key=lambda event: event.occurred_at), now)


def forget_revoked_partner(session: Session, event: dict[str, Any]) -> int:
    """A partner staff revoked gets no more deliveries: its webhooks go."""
    return webhooks.remove_all_of(session, event["payload"]["feed_partner_id"])


def purge_expired(session: Session, now: datetime, retention_days: int) -> int:
    """Drop feed events past the retention window; returns how many."""
    return feed.purge(session, now, timedelta(days=retention_days))
