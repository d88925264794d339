"""The e-mail reminding an entity's people that a charge falls due soon."""

from __future__ import annotations

from datetime import date

from notify.domain.account_email import compose_account_email
from notify.domain.notice_email import NoticeEmail


def statement_link(portal_url: str, entity_id: str) -> str:
    """Where the entity's people see what is owed and pay it, once signed in."""
    return f"{portal_url.rstrip('/')}/api/fees/v1/entities/{entity_id}/statement"


def dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def due_text(day: date) -> str:
    return f"{day:%B} {day.day}, {day:%Y}"


def reminder_title(*, entity_name: str, description: str, due_date: date) -> str:
    """The one line a dashboard notice and a digest show."""
    return f"{description} for {entity_name} is due {due_text(due_date)}"


def compose_payment_reminder_email(
    *, username: str, entity_id: str, entity_name: str, description: str, open_cents: int, due_date: date, link: str
) -> NoticeEmail:
    return compose_account_email(
        f"Payment due {due_text(due_date)} for {entity_name}",
        username,
        [
            f"{description} for {entity_name} (filer {entity_id}) is due on {due_text(due_date)};"
            f" {dollars(open_cents)} of it is still unpaid.",
            "Paying late adds a penalty. If you have already paid, thank you; nothing more is needed.",
        ],
        ("See the statement and pay after signing in", link),
    )
