"""Access code letter use cases: receive a code and queue its letter; print, mail and resolve letters (staff).

The code never leaves the rendered PDF: it is not stored in a column, returned by a listing, written to the
print-queue log or logged, and no event carries it on. The PDF is deleted once the letter leaves the queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cars_shared.config import PORTAL_URL
from correspondence.access_code_letters.models import AccessCodeLetter, AccessCodeLetterDocument, PrintQueueLogEntry
from correspondence.domain import access_code_letter as rules
from correspondence.handlers import OFFICE_TIME_ZONE, next_number
from correspondence.pdf.entity_access_code_letter import TEMPLATE_VERSION, render_entity_access_code_letter
from correspondence.pdf.print_batch import combined


class LetterNotFound(Exception):
    """No access code letter has this id; `field` names the input that gave it."""

    def __init__(self, letter_id: str, field: str | None = None) -> None:
        super().__init__(f"No access code letter has the id {letter_id}.")
        self.letter_id = letter_id
        self.field = field


@dataclass(frozen=True)
class Clerk:
    """A staff member working the print queue, and the client address the request came from."""

    user_id: str
    client: str | None


def office_today() -> date:
    """Today in the Division's time zone, where letters are dated and mailed."""
    return datetime.now(UTC).astimezone(OFFICE_TIME_ZONE).date()


def receive_access_code(session: Session, event: dict[str, Any]) -> AccessCodeLetter:
    """Queue the letter of a newly issued code, once per code; without an address it waits for staff instead."""
    code = event["payload"]
    existing = session.scalar(select(AccessCodeLetter).where(AccessCodeLetter.code_id == code["code_id"]))
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    code_issued_at = _moment(event["occurred_at"])
    _supersede_older_letters(session, code["entity_id"], code_issued_at, now)
    newer_code_known = session.scalar(
        select(AccessCodeLetter.id)
        .where(AccessCodeLetter.entity_id == code["entity_id"], AccessCodeLetter.code_issued_at > code_issued_at)
        .limit(1)
    )
    address = code["mailing_address"]
    issued_on = now.astimezone(OFFICE_TIME_ZONE).date()
    letter = AccessCodeLetter(
        id=str(uuid.uuid4()),
        number=next_number(session, issued_on.year),
        code_id=code["code_id"],
        entity_id=code["entity_id"],
        entity_name=code["entity_name"],
        street=address["street"] if address else None,
        city=address["city"] if address else None,
        state=address["state"] if address else None,
        zip=address["zip"] if address else None,
        expires_on=code["expires_on"],
        issued_by=code["issued_by"],
        code_issued_at=code_issued_at,
        received_at=now,
        status=rules.status_on_arrival(address is not None, newer_code_known is not None),
        print_count=0,
    )
    if letter.status != rules.AWAITING_MAILING:
        # Nothing can be mailed (no address of record, or a newer code exists), so the code is not kept at all.
        if letter.status == rules.SUPERSEDED:
            letter.closed_at = now
        session.add(letter)
        return letter
    content = rules.EntityAccessCodeLetter(
        number=letter.number,
        issued_on=issued_on,
        entity_id=letter.entity_id,
        entity_name=letter.entity_name,
        address=rules.MailingAddress(**address),
        access_code=code["access_code"],
        expires_on=letter.expires_on,
        portal_url=PORTAL_URL.get(),
    )
    letter.template_version = TEMPLATE_VERSION
    session.add(letter)
    session.flush()
    session.add(AccessCodeLetterDocument(letter_id=letter.id, pdf=render_entity_access_code_letter(content)))
    return letter


def _moment(value: datetime | str) -> datetime:
    """The envelope's `occurred_at`, which a received event carries as ISO 8601 text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _supersede_older_letters(session: Session, entity_id: str, code_issued_at: datetime, now: datetime) -> None:
    """A new code replaces the entity's older ones (accounts does the same), so their letters must not go out."""
    older = session.scalars(
        select(AccessCodeLetter)
        .where(
            AccessCodeLetter.entity_id == entity_id,
            AccessCodeLetter.status.in_(sorted(rules.OPEN_STATUSES)),
            AccessCodeLetter.code_issued_at < code_issued_at,
        )
        .with_for_update()
    )
    for letter in older:
        _close(session, letter, rules.SUPERSEDED, now)


def _close(session: Session, letter: AccessCodeLetter, status: str, now: datetime) -> None:
    """Move a letter out of the queue, destroying its PDF (and so the code) in the same transaction."""
    letter.status = status
    letter.closed_at = now
    session.execute(delete(AccessCodeLetterDocument).where(AccessCodeLetterDocument.letter_id == letter.id))


def letters(session: Session, status: str, limit: int) -> list[AccessCodeLetter]:
    """Letters in one status, oldest first (the order they are printed and mailed in)."""
    return list(
        session.scalars(
            select(AccessCodeLetter)
            .where(AccessCodeLetter.status == status)
            .order_by(AccessCodeLetter.received_at, AccessCodeLetter.number)
            .limit(limit)
        )
    )


def _letters_for_update(session: Session, letter_ids: Sequence[str]) -> list[AccessCodeLetter]:
    """The letters in the order asked for, locked; an unknown id is refused naming `letter_ids`."""
    wanted = list(dict.fromkeys(letter_ids))
    found = {
        letter.id: letter
        for letter in session.scalars(select(AccessCodeLetter).where(AccessCodeLetter.id.in_(wanted)).with_for_update())
    }
    for letter_id in wanted:
        if letter_id not in found:
            raise LetterNotFound(letter_id, "letter_ids")
    return [found[letter_id] for letter_id in wanted]


def _log(session: Session, clerk: Clerk, action: str, letters: Sequence[AccessCodeLetter], note: str | None) -> None:
    action_id, now = str(uuid.uuid4()), datetime.now(UTC)
    session.add_all(
        PrintQueueLogEntry(
            action_id=action_id,
            occurred_at=now,
            actor_id=clerk.user_id,
            client=clerk.client,
            action=action,
            letter_id=letter.id,
            note=note,
        )
        for letter in letters
    )


def print_batch(session: Session, clerk: Clerk, letter_ids: Sequence[str], today: date | None = None) -> bytes:
    """One PDF of the letters, in the order given, for printing; the download is logged for each letter."""
    today = today or office_today()
    batch = _letters_for_update(session, letter_ids)
    for letter in batch:
        rules.check_printable(letter.number, letter.status, letter.expires_on, today)
    documents = dict(
        session.execute(
            select(AccessCodeLetterDocument.letter_id, AccessCodeLetterDocument.pdf).where(
                AccessCodeLetterDocument.letter_id.in_([letter.id for letter in batch])
            )
        ).all()
    )
    now = datetime.now(UTC)
    for letter in batch:
        letter.print_count += 1
        letter.last_printed_at, letter.last_printed_by = now, clerk.user_id
    _log(session, clerk, rules.PRINTED, batch, None)
    return combined([documents[letter.id] for letter in batch])


def mark_mailed(
    session: Session, clerk: Clerk, letter_ids: Sequence[str], mailed_on: date | None = None, today: date | None = None
) -> list[AccessCodeLetter]:
    """Record that the printed letters went into the mail, and destroy their PDFs: the code is not kept."""
    today = today or office_today()
    mailed_on = mailed_on or today
    batch = _letters_for_update(session, letter_ids)
    for letter in batch:
        received_on = letter.received_at.astimezone(OFFICE_TIME_ZONE).date()
        rules.check_mailable(letter.number, letter.status, letter.print_count, received_on, mailed_on, today)
    now = datetime.now(UTC)
    for letter in batch:
        _close(session, letter, rules.MAILED, now)
        letter.mailed_on, letter.mailed_by = mailed_on, clerk.user_id
    _log(session, clerk, rules.MAILED, batch, None)
    return batch


def resolve_undeliverable(session: Session, clerk: Clerk, letter_id: str, resolution: str) -> AccessCodeLetter:
    """Staff close a letter that had no address of record, saying what they did about it."""
    letter = session.scalar(select(AccessCodeLetter).where(AccessCodeLetter.id == letter_id).with_for_update())
    if letter is None:
        raise LetterNotFound(letter_id)
    rules.check_resolvable(letter.number, letter.status)
    now = datetime.now(UTC)
    _close(session, letter, rules.RESOLVED, now)
    letter.resolved_at, letter.resolved_by, letter.resolution = now, clerk.user_id, resolution
    _log(session, clerk, rules.RESOLVED, [letter], resolution)
    return letter


def expire_letters(session: Session, today: date | None = None) -> int:
    """Letters whose code expired before they were mailed leave the queue, their PDFs destroyed; returns how many."""
    today = today or office_today()
    expired = session.scalars(
        select(AccessCodeLetter)
        .where(AccessCodeLetter.status == rules.AWAITING_MAILING, AccessCodeLetter.expires_on < today)
        .with_for_update(skip_locked=True)
    ).all()
    now = datetime.now(UTC)
    for letter in expired:
        _close(session, letter, rules.EXPIRED, now)
    return len(expired)


def print_queue_log(session: Session, letter_id: str | None, limit: int) -> list[PrintQueueLogEntry]:
    """Staff actions on the print queue, newest first; of one letter if `letter_id` is given."""
    query = select(PrintQueueLogEntry)
    if letter_id is not None:
        query = query.where(PrintQueueLogEntry.letter_id == letter_id)
    return list(session.scalars(query.order_by(PrintQueueLogEntry.id.desc()).limit(limit)))
