"""The feed: every public event once, in one order (its sequence), read by all three channels.

Sequences are handed out under a lock on the counter row, held until the appending transaction commits, so
they are dense and a reader never sees a later event before an earlier one commits.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from notify.partners.models import FeedCounter, FeedEvent
from notify.partners.translator import PublicEvent

COUNTER_ID = 1
CURSOR_PREFIX = "c1."
MAX_PAGE = 1000


class CursorInvalid(ValueError):
    """The cursor was not made by this feed."""


class CursorExpired(Exception):
    """The cursor points before the retention window: events after it were purged."""


@dataclass(frozen=True)
class Page:
    """Events after a cursor as partners receive them (JSON text each), and the cursor to ask from next."""

    bodies: list[str]
    next_sequence: int


def encode_cursor(sequence: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{sequence}".encode("ascii")).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> int:
    """The sequence a cursor stands for; CursorInvalid for anything this feed did not hand out."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError) as error:
        raise CursorInvalid("not a cursor of this feed") from error
    number = text.removeprefix(CURSOR_PREFIX)
    if not text.startswith(CURSOR_PREFIX) or not number.isdigit():
        raise CursorInvalid("not a cursor of this feed")
    return int(number)


def dumps(body: dict) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def append(session: Session, events: Iterable[PublicEvent], now: datetime) -> list[int]:
    """Give each new event the next sequence and store it; an event id already in the feed is left as it is."""
    events = list({event.event_id: event for event in events}.values())
    if not events:
        return []
    known = set(
        session.execute(select(FeedEvent.event_id).where(FeedEvent.event_id.in_([e.event_id for e in events])))
        .scalars()
        .all()
    )
    fresh = [event for event in events if event.event_id not in known]
    if not fresh:
        return []
    last = session.execute(
        select(FeedCounter.last_sequence).where(FeedCounter.id == COUNTER_ID).with_for_update()
    ).scalar_one()
    rows = [
        {
            "sequence": last + number,
            "event_id": event.event_id,
            "type": event.type,
            "entity_id": event.entity_id,
            "occurred_at": event.occurred_at,
            "recorded_at": now,
            "body": dumps(event.body(last + number)),
        }
        for number, event in enumerate(fresh, start=1)
    ]
    session.execute(insert(FeedEvent), rows)
    session.execute(update(FeedCounter).where(FeedCounter.id == COUNTER_ID).values(last_sequence=last + len(rows)))
    return [row["sequence"] for row in rows]


def page(
    session: Session,
    after: int | None,
    *,
    types: Iterable[str] = (),
    entity_id: str | None = None,
    limit: int = 100,
) -> Page:
    """Events after sequence `after` (None: from the oldest kept), filtered; CursorExpired before retention."""
    last, purged = session.execute(
        select(FeedCounter.last_sequence, FeedCounter.purged_through).where(FeedCounter.id == COUNTER_ID)
    ).one()
    start = purged if after is None else after
    if start < purged:
        raise CursorExpired(f"events up to {purged} are past the retention window")
    query = (
        select(FeedEvent.sequence, FeedEvent.body)
        .where(FeedEvent.sequence > start, FeedEvent.sequence <= last)
        .order_by(FeedEvent.sequence)
        .limit(min(limit, MAX_PAGE))
    )
    types = list(types)
    if types:
        query = query.where(FeedEvent.type.in_(types))
    if entity_id is not None:
        query = query.where(FeedEvent.entity_id == entity_id)
    rows = session.execute(query).all()
    # A short page read everything up to `last`: the next one starts there even if filters matched nothing.
    next_sequence = rows[-1].sequence if len(rows) >= min(limit, MAX_PAGE) else max(start, last)
    return Page([row.body for row in rows], next_sequence)


def last_sequence(session: Session) -> int:
    return session.execute(select(FeedCounter.last_sequence).where(FeedCounter.id == COUNTER_ID)).scalar_one()


def purge(session: Session, now: datetime, retention: timedelta) -> int:
    """Delete events recorded before the retention window; cursors before them then answer expired."""
    cutoff = now - retention
    through = session.execute(select(func.max(FeedEvent.sequence)).where(FeedEvent.recorded_at < cutoff)).scalar()
    if through is None:
        return 0
    deleted = session.execute(delete(FeedEvent).where(FeedEvent.sequence <= through)).rowcount
    session.execute(
        update(FeedCounter)
        .where(FeedCounter.id == COUNTER_ID, FeedCounter.purged_through < through)
        .values(purged_through=through)
    )
    return deleted


def events_after(session: Session, after: int, limit: int) -> list[tuple[int, str, str, str]]:
    """(sequence, event_id, type, body) of the events after `after`, in order: what a channel sends next."""
    rows = session.execute(
        select(FeedEvent.sequence, FeedEvent.event_id, FeedEvent.type, FeedEvent.body)
        .where(FeedEvent.sequence > after)
        .order_by(FeedEvent.sequence)
        .limit(limit)
    ).all()
    return [tuple(row) for row in rows]
