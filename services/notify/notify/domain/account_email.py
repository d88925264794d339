"""E-mails about a person's own account: confirm an address, reset a password, an address changed."""

from __future__ import annotations

from html import escape

from notify.domain.notice_email import NoticeEmail

SIGNATURE = "California Secretary of State, Political Reform Division"
NOT_YOU = "If you did not ask for this, ignore this message; nothing changes."


def compose_account_email(
    subject: str, username: str, paragraphs: list[str], link: tuple[str, str] | None = None
) -> NoticeEmail:
    """Plain-text and HTML parts saying the same thing, with at most one link."""
    text = [f"Hello {username},", *paragraphs]
    html = [f"<p>Hello {escape(username)},</p>", *(f"<p>{escape(p)}</p>" for p in paragraphs)]
    if link is not None:
        label, url = link
        text.insert(2, f"{label}:\n{url}")
        html.insert(2, f'<p><a href="{escape(url, quote=True)}">{escape(label)}</a></p>')
    text_body = "\n\n".join([*text, SIGNATURE]) + "\n"
    html_body = "<!doctype html>\n<html><body>\n" + "\n".join([*html, f"<p>{SIGNATURE}</p>"]) + "\n</body></html>\n"
    return NoticeEmail(subject=subject, text_body=text_body, html_body=html_body)


def compose_verification_email(*, username: str, url: str, expires: str) -> NoticeEmail:
    return compose_account_email(
        "Confirm your e-mail address for CARS",
        username,
        [
            f"Please confirm that this address belongs to your CARS account. The link works once, until {expires}.",
            NOT_YOU,
        ],
        ("Confirm the address", url),
    )


def compose_password_reset_email(*, username: str, url: str, expires: str) -> NoticeEmail:
    return compose_account_email(
        "Reset your CARS password",
        username,
        [f"Someone asked to reset the password of your CARS account. The link works once, until {expires}.", NOT_YOU],
        ("Choose a new password", url),
    )


def compose_email_changed_notice(*, username: str, new_email: str) -> NoticeEmail:
    return compose_account_email(
        "The e-mail address of your CARS account changed",
        username,
        [
            f"Your CARS account now uses the address {new_email}; messages will no longer come here.",
            "If you did not make this change, reset your password and contact the Political Reform Division.",
        ],
    )
