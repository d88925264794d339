"""Saved search use cases: keep a person's searches, rerun them, share them by link, and alert on new results."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cars_shared import outbox
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from search.domain.query import MAX_LIMIT, Aggregate, SearchQuery, SearchResults
from search.exports.query_args import query_from_filters, query_from_stored, stored_filters
from search.index import SearchIndex
from search.models import SavedSearch
from search.saved.schedules import DAILY, NEVER, is_newer, next_run_at
from search.saved.share_tokens import new_share_token, share_key, share_link, well_formed

log = get_logger(__name__)

MAX_SAVED_PER_PERSON = 100
# Most matches one alert run looks through; a search matching more new rows than this says "at least" this many.
ALERT_SCAN_CAP = 10_000
# Saved searches one pass of the alert timer runs; the rest wait for the next pass.
ALERTS_PER_PASS = 100

Watermark = tuple[datetime, str]
"""The newest match an alert run saw: (recorded_at, id), when it reached the public record (its filing date), then
its id; or, for a search last run before alerts went by filing date, its (dated_at, id)."""


class SavedSearchNotFound(Exception):
    """No saved search of this person has this id (or no saved search is shared by this link)."""


class ShareLinkNotValid(Exception):
    """No saved search is shared by this link (never made, or revoked)."""


class NameTaken(Exception):
    """The person already has a saved search of this name."""


class TooManySaved(Exception):
    """The person keeps as many saved searches as one may."""


@dataclass(frozen=True)
class SavedRun:
    """A saved search run now: one page of results and, if it defines a report, the report."""

    results: SearchResults
    report: Aggregate | None


def create_saved_search(
    session: Session,
    index: SearchIndex,
    *,
    user_id: str,
    name: str,
    filters: Mapping[str, Any],
    report: Mapping[str, Any] | None,
    schedule: str,
    now: datetime,
) -> SavedSearch:
    """Save a search under a name of the person's choosing; a scheduled one alerts only on results filed from now on."""
    owned = session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)) or 0
    if owned >= MAX_SAVED_PER_PERSON:
        raise TooManySaved(f"one person keeps at most {MAX_SAVED_PER_PERSON} saved searches")
    query_from_filters(filters)
    saved = SavedSearch(
        id=str(uuid.uuid4()),
        user_id=user_id,
        name=name.strip(),
        filters=stored_filters(filters),
        report=dict(report) if report else None,
        schedule=NEVER,
        created_at=now,
        updated_at=now,
    )
    _set_schedule(saved, index, schedule, now)
    _add_or_name_taken(session, saved)
    return saved


def saved_searches_of(session: Session, user_id: str) -> list[SavedSearch]:
    """The person's saved searches, by name."""
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.name)))


def saved_search_of(session: Session, user_id: str, saved_search_id: str) -> SavedSearch:
    """One of the person's saved searches; another's is as unknown as a missing one."""
    saved = session.get(SavedSearch, saved_search_id)
    if saved is None or saved.user_id != user_id:
        raise SavedSearchNotFound(saved_search_id)
    return saved


def change_saved_search(
    session: Session,
    index: SearchIndex,
    *,
    user_id: str,
    saved_search_id: str,
    changes: Mapping[str, Any],
    now: datetime,
) -> SavedSearch:
    """Rename it, change its filters, report or schedule; changed filters or schedule restart the alerts from now."""
    saved = saved_search_of(session, user_id, saved_search_id)
    if "name" in changes:
        name = changes["name"].strip()
        if name != saved.name and _name_taken(session, user_id, name):
            raise NameTaken(name)
    if "report" in changes:
        saved.report = dict(changes["report"]) if changes["report"] else None
    renamed = "name" in changes and changes["name"].strip() != saved.name
    if "name" in changes:
        saved.name = changes["name"].strip()
    restart = False
    if "filters" in changes:
        query_from_filters(changes["filters"])
        saved.filters = stored_filters(changes["filters"])
        restart = True
        if saved.share_token is not None:
            # A changed search is a new search for its public subscribers too: what matches now is not news.
            _start_public_run(saved, index, now)
    if "schedule" in changes and changes["schedule"] != saved.schedule:
        restart = True
    if restart:
        _set_schedule(saved, index, changes.get("schedule", saved.schedule), now)
    if renamed and saved.share_token is not None:
        _announce_shared(session, saved, saved.share_token, now)
    saved.updated_at = now
    return saved


def delete_saved_search(session: Session, *, user_id: str, saved_search_id: str, now: datetime) -> None:
    """Forget the saved search; its share link, and the public alerts of it, stop with it."""
    saved = saved_search_of(session, user_id, saved_search_id)
    if saved.share_token is not None:
        _announce_unshared(session, saved, now)
    session.delete(saved)


def share(session: Session, index: SearchIndex, *, user_id: str, saved_search_id: str, now: datetime) -> SavedSearch:
    """Give the saved search a share link (the same one again if it has one). Link holders may subscribe to its
    new results by e-mail: from now on it runs daily for them, telling only of what is filed after it was shared."""
    saved = saved_search_of(session, user_id, saved_search_id)
    if saved.share_token is None:
        saved.share_token = token = new_share_token()
        saved.updated_at = now
        _start_public_run(saved, index, now)
        _announce_shared(session, saved, token, now)
        log.info("saved_search_shared", saved_search_id=saved.id)
    return saved


def revoke_share(session: Session, *, user_id: str, saved_search_id: str, now: datetime) -> SavedSearch:
    """End the share link: whoever holds it can no longer run the search, and its public alerts end. Sharing again
    makes a new link."""
    saved = saved_search_of(session, user_id, saved_search_id)
    if saved.share_token is not None:
        saved.share_token = None
        saved.updated_at = now
        saved.public_next_run_at = saved.public_watermark_filed_at = saved.public_watermark_id = None
        saved.public_watermark_dated_at = None
        _announce_unshared(session, saved, now)
        log.info("saved_search_share_revoked", saved_search_id=saved.id)
    return saved


def _start_public_run(saved: SavedSearch, index: SearchIndex, now: datetime) -> None:
    """The public runs tell only of what is filed from now on, starting at the next alert hour."""
    newest = _newest(index, query_from_stored(saved.filters))
    saved.public_watermark_filed_at, saved.public_watermark_id = newest if newest is not None else (None, None)
    saved.public_watermark_dated_at = None
    saved.public_next_run_at = next_run_at(DAILY, now)


def _announce_shared(session: Session, saved: SavedSearch, token: str, now: datetime) -> None:
    payload = {"saved_search_id": saved.id, "name": saved.name, "share_key": share_key(token), "changed_at": now}
    outbox.add(session, make_event("search", "saved_search_shared", payload))


def _announce_unshared(session: Session, saved: SavedSearch, now: datetime) -> None:
    outbox.add(session, make_event("search", "saved_search_unshared", {"saved_search_id": saved.id, "changed_at": now}))


def shared_search(session: Session, token: str) -> SavedSearch:
    """The saved search shared by this link; ShareLinkNotValid for a link never made or since revoked."""
    saved = session.scalar(select(SavedSearch).where(SavedSearch.share_token == token)) if well_formed(token) else None
    if saved is None:
        raise ShareLinkNotValid(token[:8])
    return saved


def run_saved_search(index: SearchIndex, saved: SavedSearch, *, limit: int, after: str | None) -> SavedRun:
    """Run the saved search now: one page of its results, and its report over all of them."""
    query = query_from_stored(saved.filters, limit=limit, after=after)
    results = index.search(query)
    report = None
    if saved.report:
        report = index.aggregate(replace(query, after=None), saved.report["by"], saved.report["top"])
    return SavedRun(results, report)


def run_due_alerts(session: Session, index: SearchIndex, *, now: datetime, portal_url: str) -> list[SavedSearch]:
    """Run each scheduled search that is due: announce its results filed after the newest match of the last run (if
    any), whatever their own dates, move its watermark to the newest match and schedule its next run. The saved
    searches that had new results."""
    due = session.scalars(
        select(SavedSearch)
        .where(SavedSearch.schedule != NEVER, SavedSearch.next_run_at <= now)
        .order_by(SavedSearch.next_run_at, SavedSearch.id)
        .limit(ALERTS_PER_PASS)
        .with_for_update(skip_locked=True)
    ).all()
    matched = []
    for saved in due:
        query = query_from_stored(saved.filters)
        dated = _dated_watermark(saved)
        new_results, newest = _new_results(index, query, _watermark(saved), dated, saved.last_run_at)
        saved.watermark_filed_at, saved.watermark_id = newest if newest is not None else (None, None)
        saved.watermark_dated_at = None
        saved.last_run_at = now
        saved.next_run_at = next_run_at(saved.schedule, now)
        if new_results:
            outbox.add(
                session,
                make_event(
                    "search",
                    "saved_search_matched",
                    {
                        "saved_search_id": saved.id,
                        "user_id": saved.user_id,
                        "name": saved.name,
                        "new_results": new_results,
                        "link": saved_search_link(portal_url, saved.id),
                        "matched_at": now,
                    },
                ),
            )
            matched.append(saved)
        log.info("saved_search_alert_run", saved_search_id=saved.id, new_results=new_results)
    return matched


def run_due_public_alerts(session: Session, index: SearchIndex, *, now: datetime, portal_url: str) -> list[SavedSearch]:
    """Run each shared search whose daily public run is due (whatever its owner's schedule): announce its results
    filed after the newest match of its last public run for the link holders who subscribed, with the share link,
    never the owner's. The shared searches that had new results."""
    due = session.scalars(
        select(SavedSearch)
        .where(
            SavedSearch.share_token.is_not(None),
            or_(SavedSearch.public_next_run_at <= now, SavedSearch.public_next_run_at.is_(None)),
        )
        .order_by(SavedSearch.public_next_run_at, SavedSearch.id)
        .limit(ALERTS_PER_PASS)
        .with_for_update(skip_locked=True)
    ).all()
    matched = []
    for saved in due:
        token = saved.share_token
        if token is None:  # the query takes shared searches only
            continue
        if saved.public_next_run_at is None:
            # Shared before public alerts existed: its public runs start now, telling of what arrives from now on.
            _start_public_run(saved, index, now)
            continue
        query = query_from_stored(saved.filters)
        new_results, newest = _new_results(index, query, _public_watermark(saved), _public_dated_watermark(saved))
        saved.public_watermark_filed_at, saved.public_watermark_id = newest if newest is not None else (None, None)
        saved.public_watermark_dated_at = None
        saved.public_next_run_at = next_run_at(DAILY, now)
        if new_results:
            payload = {
                "saved_search_id": saved.id,
                "name": saved.name,
                "new_results": new_results,
                "link": share_link(portal_url, token),
                "matched_at": now,
            }
            outbox.add(session, make_event("search", "shared_search_matched", payload))
            matched.append(saved)
        log.info("shared_search_public_run", saved_search_id=saved.id, new_results=new_results)
    return matched


def saved_search_link(portal_url: str, saved_search_id: str) -> str:
    """Where the owner reruns the saved search once signed in."""
    return f"{portal_url.rstrip('/')}/api/search/saved-searches/{saved_search_id}/results"


def _public_watermark(saved: SavedSearch) -> Watermark | None:
    if saved.public_watermark_filed_at is None or saved.public_watermark_id is None:
        return None
    return saved.public_watermark_filed_at, saved.public_watermark_id


def _public_dated_watermark(saved: SavedSearch) -> Watermark | None:
    if saved.public_watermark_filed_at is not None or saved.public_watermark_dated_at is None:
        return None
    return (saved.public_watermark_dated_at, saved.public_watermark_id) if saved.public_watermark_id else None


def _watermark(saved: SavedSearch) -> Watermark | None:
    if saved.watermark_filed_at is None or saved.watermark_id is None:
        return None
    return saved.watermark_filed_at, saved.watermark_id


def _dated_watermark(saved: SavedSearch) -> Watermark | None:
    if saved.watermark_filed_at is not None or saved.watermark_dated_at is None:
        return None
    return (saved.watermark_dated_at, saved.watermark_id) if saved.watermark_id else None


def _new_results(
    index: SearchIndex,
    query: SearchQuery,
    watermark: Watermark | None,
    dated: Watermark | None = None,
    last_run_at: datetime | None = None,
) -> tuple[int, Watermark | None]:
    """How many matches reached the public record after `watermark` (recorded_at, id), and the newest (recorded_at,
    id) of all matches. A search last run before alerts went by filing date has only its (dated_at, id) watermark of
    then (`dated`): once, its news are what is newer by that one and, when the time of that run is known
    (`last_run_at`, the owner's runs), what was filed after it; so its first run after the change neither floods its
    subscribers with every earlier match nor loses what the old rule would have told."""
    if dated is not None:
        return _newer_since(index, query, dated, last_run_at), _newest(index, query)
    query = replace(query, sort="-filed", limit=MAX_LIMIT, after=None)
    if watermark is not None:
        # Only the watermark's filing day and later can hold newer matches: the filed filter keeps the scan short.
        since = watermark[0].astimezone(UTC).date()
        query = replace(query, filed_from=max(query.filed_from, since) if query.filed_from else since)
    count, newest = 0, watermark
    for document in islice(index.scan(query), ALERT_SCAN_CAP):
        key = (document.recorded_at, document.id)
        if is_newer(*key, watermark):
            count += 1
        if newest is None or key > newest:
            newest = key
    return count, newest


def _newer_since(index: SearchIndex, query: SearchQuery, dated: Watermark, last_run_at: datetime | None) -> int:
    """How many matches are newer than a (dated_at, id) watermark, as alerts counted before they went by filing date,
    or (with `last_run_at`) were filed after that run."""
    day = dated[0].astimezone(UTC).date()
    by_date = replace(query, sort="-date", limit=MAX_LIMIT, after=None)
    by_date = replace(by_date, date_from=max(query.date_from, day) if query.date_from else day)
    newer = {
        document.id
        for document in islice(index.scan(by_date), ALERT_SCAN_CAP)
        if is_newer(document.dated_at, document.id, dated)
    }
    if last_run_at is not None:
        day = last_run_at.astimezone(UTC).date()
        by_filing = replace(query, sort="-filed", limit=MAX_LIMIT, after=None)
        by_filing = replace(by_filing, filed_from=max(query.filed_from, day) if query.filed_from else day)
        newer |= {
            document.id
            for document in islice(index.scan(by_filing), ALERT_SCAN_CAP)
            if document.recorded_at > last_run_at
        }
    return min(len(newer), ALERT_SCAN_CAP)


def _set_schedule(saved: SavedSearch, index: SearchIndex, schedule: str, now: datetime) -> None:
    saved.schedule = schedule
    saved.next_run_at = next_run_at(schedule, now)
    saved.watermark_filed_at = saved.watermark_dated_at = saved.watermark_id = None
    if schedule != NEVER:
        # What matches now is not news: the first alert tells only of what is filed after the search was scheduled.
        newest = _newest(index, query_from_stored(saved.filters))
        if newest is not None:
            saved.watermark_filed_at, saved.watermark_id = newest


def _newest(index: SearchIndex, query: SearchQuery) -> Watermark | None:
    """The newest (recorded_at, id) of the matches: the first by filing date, then any of its day with a later key."""
    page = index.search(replace(query, sort="-filed", limit=1, after=None))
    if not page.documents:
        return None
    first = page.documents[0]
    return _new_results(index, query, (first.recorded_at, first.id))[1]


def _name_taken(session: Session, user_id: str, name: str) -> bool:
    mine = select(SavedSearch.id).where(SavedSearch.user_id == user_id, SavedSearch.name == name)
    return session.scalar(mine) is not None


def _add_or_name_taken(session: Session, saved: SavedSearch) -> None:
    # The unique constraint decides, so two requests saving the same name at once cannot both succeed.
    try:
        with session.begin_nested():
            session.add(saved)
    except IntegrityError as error:
        raise NameTaken(saved.name) from error
