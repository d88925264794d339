"""The daily digest: one e-mail listing a person's notices of the past day, each with its link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from notify.domain.account_email import SIGNATURE
from notify.domain.notice_email import NoticeEmail


@dataclass(frozen=True)
class DigestLine:
    title: str
    link: str


def compose_digest_email(*, username: str, day: date, lines: Sequence[DigestLine]) -> NoticeEmail:
    """Plain-text and HTML parts listing the same notices; the notices themselves stay in the portal."""
    count = f"{len(lines)} new notice{'s' if len(lines) != 1 else ''}"
    text = "\n".join(f"- {line.title}\n  {line.link}" for line in lines)
    items = "\n".join(f'<li><a href="{escape(line.link, quote=True)}">{escape(line.title)}</a></li>' for line in lines)
    return NoticeEmail(
        subject=f"Your CARS digest for {day:%B} {day.day}, {day:%Y}: {count}",
        text_body=(
            f"Hello {username},\n\n{count} in your CARS account since the last digest:\n\n{text}\n\n"
            "Read them after signing in. You chose a daily digest; you can change this in your preferences.\n\n"
            f"{SIGNATURE}\n"
        ),
        html_body=(
            "<!doctype html>\n<html><body>\n"
            f"<p>Hello {escape(username)},</p>\n<p>{count} in your CARS account since the last digest:</p>\n"
            f"<ul>\n{items}\n</ul>\n"
            "<p>Read them after signing in. You chose a daily digest; you can change this in your preferences.</p>\n"
            f"<p>{SIGNATURE}</p>\n</body></html>\n"
        ),
    )
