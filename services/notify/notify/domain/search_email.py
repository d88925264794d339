"""E-mails about search: an export file is ready, and a saved search found new results."""

from __future__ import annotations

from html import escape

from notify.domain.account_email import SIGNATURE
from notify.domain.notice_email import NoticeEmail

FORMAT_NAMES = {"csv": "CSV", "jsonl": "JSON Lines"}


def _compose(subject: str, greeting: str, paragraphs: list[str], label: str, link: str) -> NoticeEmail:
    text = [greeting, *paragraphs, f"{label}:\n{link}", SIGNATURE]
    html = [
        f"<p>{escape(greeting)}</p>",
        *(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs),
        f'<p><a href="{escape(link, quote=True)}">{escape(label)}</a></p>',
        f"<p>{SIGNATURE}</p>",
    ]
    return NoticeEmail(
        subject=subject,
        text_body="\n\n".join(text) + "\n",
        html_body="<!doctype html>\n<html><body>\n" + "\n".join(html) + "\n</body></html>\n",
    )


def rows_said(rows: int) -> str:
    return "1 row" if rows == 1 else f"{rows:,} rows"


def export_ready_title(*, rows: int, export_format: str) -> str:
    return f"Your search export is ready: {rows_said(rows)} as {FORMAT_NAMES.get(export_format, export_format)}"


def compose_export_ready_email(*, username: str | None, rows: int, export_format: str, link: str) -> NoticeEmail:
    """The file is public data, so the link works without signing in; it says so."""
    return _compose(
        export_ready_title(rows=rows, export_format=export_format),
        f"Hello {username}," if username else "Hello,",
        [
            f"The export of search results you asked for is ready: {rows_said(rows)} of public campaign finance and "
            f"lobbying records, as a {FORMAT_NAMES.get(export_format, export_format)} file.",
            "Anyone with the link below can download it. If you did not ask for this export, ignore this message.",
        ],
        "Download the file",
        link,
    )


def saved_search_title(*, name: str, new_results: int) -> str:
    found = "1 new result" if new_results == 1 else f"{new_results:,} new results"
    return f'{found} for your saved search "{name}"'


def compose_saved_search_email(*, username: str, name: str, new_results: int, link: str) -> NoticeEmail:
    return _compose(
        saved_search_title(name=name, new_results=new_results),
        f"Hello {username},",
        [
            f'Your saved search "{name}" found {new_results:,} new '
            f"{'result' if new_results == 1 else 'results'} since it last ran.",
            "You get this message because you scheduled alerts for this search; change its schedule to stop them.",
        ],
        "See the results after signing in",
        link,
    )
