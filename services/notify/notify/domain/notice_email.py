"""The e-mail telling a person a notice is waiting: a link to the portal, never the notice itself."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

SUBJECT = "A new notice is in your CARS account"


@dataclass(frozen=True)
class NoticeEmail:
    subject: str
    text_body: str
    html_body: str


def notice_link(portal_url: str, correspondence_id: str) -> str:
    """Where the recipient reads the notice once signed in."""
    return f"{portal_url.rstrip('/')}/api/correspondence/{correspondence_id}/pdf"


def compose_notice_email(*, username: str, title: str, number: str, link: str) -> NoticeEmail:
    """Plain-text and HTML parts saying the same thing."""
    text_body = (
        f"Hello {username},\n\n"
        f'A new notice, "{title}" ({number}), is waiting in your CARS account.\n\n'
        f"Read it here after signing in:\n{link}\n\n"
        "The notice is not attached to this message for your privacy.\n\n"
        "California Secretary of State, Political Reform Division\n"
    )
    html_body = (
        "<!doctype html>\n<html><body>\n"
        f"<p>Hello {escape(username)},</p>\n"
        f"<p>A new notice, <strong>{escape(title)}</strong> ({escape(number)}), is waiting in your CARS account.</p>\n"
        f'<p><a href="{escape(link, quote=True)}">Read the notice</a> after signing in.</p>\n'
        "<p>The notice is not attached to this message for your privacy.</p>\n"
        "<p>California Secretary of State, Political Reform Division</p>\n"
        "</body></html>\n"
    )
    return NoticeEmail(subject=SUBJECT, text_body=text_body, html_body=html_body)
