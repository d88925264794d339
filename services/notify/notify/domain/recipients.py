"""Who receives a notice: the addressed user, or every person linked to the addressed entity."""

from __future__ import annotations

from collections.abc import Iterable


class RecipientsNotKnownYet(Exception):
    """Nobody to tell yet: the contact or entity link has not reached notify; retry later."""


def notice_recipients(user_id: str | None, entity_members: Iterable[str]) -> list[str]:
    """The user ids a notice goes to; a notice addressed to a user goes to that user alone."""
    recipients = [user_id] if user_id else sorted(set(entity_members))
    if not recipients:
        raise RecipientsNotKnownYet("no person is known for this notice yet")
    return recipients
