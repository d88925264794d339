"""E-mails of public alerts: the opt-in confirmations, the alert of a new or amended filing, and the alert of a
shared saved search's new results."""

from __future__ import annotations

from datetime import date
from html import escape

from notify.domain.account_email import SIGNATURE
from notify.domain.notice_email import NoticeEmail


def filing_link(portal_url: str, filing_id: str) -> str:
    """The filing's public view."""
    return f"{portal_url.rstrip('/')}/api/filings/v1/filings/{filing_id}"


def _compose(subject: str, paragraphs: list[str], links: list[tuple[str, str]]) -> NoticeEmail:
    text = [*paragraphs, *(f"{label}:\n{url}" for label, url in links), SIGNATURE]
    html = [
        *(f"<p>{escape(p)}</p>" for p in paragraphs),
        *(f'<p><a href="{escape(url, quote=True)}">{escape(label)}</a></p>' for label, url in links),
        f"<p>{SIGNATURE}</p>",
    ]
    return NoticeEmail(
        subject=subject,
        text_body="\n\n".join(text) + "\n",
        html_body="<!doctype html>\n<html><body>\n" + "\n".join(html) + "\n</body></html>\n",
    )


def compose_confirmation_email(*, entity_id: str, confirm_link: str) -> NoticeEmail:
    return _compose(
        f"Confirm your CARS alerts for filer {entity_id}",
        [
            f"Someone asked to e-mail this address whenever filer {entity_id} files with the California Secretary"
            " of State. Nothing will be sent unless you confirm; the link works for seven days.",
            "If you did not ask for this, ignore this message.",
        ],
        [("Confirm the alerts", confirm_link)],
    )


def period_text(start: date | None, end: date | None) -> str:
    return f" for {start:%B %-d, %Y} to {end:%B %-d, %Y}" if start and end else ""


def compose_filing_alert_email(
    *,
    entity_id: str,
    entity_name: str,
    form: str,
    form_name: str,
    amendment: int,
    period_start: date | None,
    period_end: date | None,
    link: str,
    unsubscribe: str,
) -> NoticeEmail:
    what = f"an amendment ({amendment}) of its {form} {form_name}" if amendment else f"a {form} {form_name}"
    return _compose(
        f"{entity_name} filed {form}{' amendment' if amendment else ''}",
        [
            f"{entity_name} (filer {entity_id}) filed {what}{period_text(period_start, period_end)}.",
            "You get this e-mail because you subscribed to this filer's new filings.",
        ],
        [("Read the filing", link), ("Unsubscribe from these alerts", unsubscribe)],
    )


def compose_shared_search_confirmation_email(*, name: str, confirm_link: str) -> NoticeEmail:
    return _compose(
        f'Confirm your CARS alerts for the shared search "{name}"',
        [
            f'Someone asked to e-mail this address whenever the shared search "{name}" of public campaign finance and'
            " lobbying records finds new results. Nothing will be sent unless you confirm; the link works for seven"
            " days.",
            "If you did not ask for this, ignore this message.",
        ],
        [("Confirm the alerts", confirm_link)],
    )


def results_said(new_results: int) -> str:
    return "1 new result" if new_results == 1 else f"{new_results:,} new results"


def compose_shared_search_alert_email(*, name: str, new_results: int, link: str, unsubscribe: str) -> NoticeEmail:
    return _compose(
        f'{results_said(new_results)} for the shared search "{name}"',
        [
            f'The shared search "{name}" found {results_said(new_results)} since it last ran.',
            "You get this e-mail because you subscribed to this shared search. Its owner may revoke the share;"
            " the alerts then end.",
        ],
        [("See the results", link), ("Unsubscribe from these alerts", unsubscribe)],
    )
