"""Sending one e-mail: the small interface delivery depends on, and its SMTP implementation."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from cars_shared.logging import get_logger

log = get_logger(__name__)

LONG_LINES = policy.default.clone(max_line_length=998)
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# Replies about CARS's own login (RFC 4954): 530 authentication required, 534 mechanism too weak, 535 credentials
# invalid, 538 encryption required. They say nothing about the message or its recipient, and clear once the
# server or SMTP_URL is put right, so the message waits and is tried again.
LOGIN_REFUSAL_CODES = frozenset({530, 534, 535, 538})


@dataclass(frozen=True)
class OutgoingMail:
    email_id: str
    recipient: str
    subject: str
    text_body: str
    html_body: str
    list_unsubscribe: str | None = None


class MailNotDelivered(Exception):
    """The mail server did not take the message; `permanent` when trying again cannot help.

    Only a refusal of the message or its recipient (5xx) is permanent; a refused login is the sender's
    configuration, not the recipient's fault, and is retried.
    """

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class MailTransport(Protocol):
    def send(self, mail: OutgoingMail) -> None:
        """Hand the message to the mail server, or raise MailNotDelivered."""


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """smtp://host:port, smtp+starttls://user:pass@host:port or smtps://user:pass@host:port."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS:
            raise ValueError(f"SMTP_URL scheme must be one of {', '.join(DEFAULT_PORTS)}, not {parts.scheme!r}")
        if not parts.hostname:
            raise ValueError("SMTP_URL names no host")
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[parts.scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def mime_message(mail: OutgoingMail, mail_from: str) -> EmailMessage:
    """A multipart/alternative message: plain text first, HTML preferred by clients that show it."""
    # A long link in List-Unsubscribe must stay one token: fold lines at RFC 5322's limit, not at 78 characters.
    message = EmailMessage(policy=LONG_LINES)
    message["From"] = mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    sender_domain = parseaddr(mail_from)[1].rpartition("@")[2] or "cars.localhost"
    # A stable id lets receiving servers recognise a message re-sent after an uncertain attempt.
    message["Message-ID"] = f"<{mail.email_id}@{sender_domain}>"
    if mail.list_unsubscribe:
        # RFC 2369 and RFC 8058: mail clients offer one-click unsubscribe by POSTing to the signed link.
        message["List-Unsubscribe"] = f"<{mail.list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


class SmtpTransport:
    """Sends through the server of SMTP_URL, one connection per message.

    `tls_context` verifies the server's certificate (default: the system's trusted authorities).
    """

    def __init__(
        self, url: str, mail_from: str, timeout: float = 30.0, tls_context: ssl.SSLContext | None = None
    ) -> None:
        self.settings = SmtpSettings.from_url(url)
        self.mail_from = mail_from
        self.timeout = timeout
        self.tls_context = tls_context

    def send(self, mail: OutgoingMail) -> None:
        message = mime_message(mail, self.mail_from)
        try:
            smtp = self._connect()
            try:
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(message, to_addrs=[mail.recipient])
            finally:
                _close_quietly(smtp)
        except smtplib.SMTPRecipientsRefused as error:
            permanent = all(code >= 500 for code, _ in error.recipients.values())
            raise MailNotDelivered(f"recipient refused: {error.recipients}", permanent=permanent) from error
        except smtplib.SMTPResponseException as error:
            reason = error.smtp_error
            if isinstance(reason, bytes):
                reason = reason.decode(errors="replace")
            if isinstance(error, smtplib.SMTPAuthenticationError) or error.smtp_code in LOGIN_REFUSAL_CODES:
                raise self._login_refused(error.smtp_code, reason) from error
            raise MailNotDelivered(f"{error.smtp_code} {reason}", permanent=error.smtp_code >= 500) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailNotDelivered(f"{type(error).__name__}: {error}", permanent=False) from error

    def _login_refused(self, code: int, reason: str) -> MailNotDelivered:
        """The server refused CARS's login: logged for operators, retried with backoff, never the address's fault."""
        settings = self.settings
        login = f"as {settings.username!r}" if settings.username else "without credentials"
        log.error(
            "smtp_login_refused",
            host=settings.host,
            port=settings.port,
            code=code,
            with_credentials=settings.username is not None,
        )
        return MailNotDelivered(
            f"{code} {reason} (the mail server refused CARS's login {login} at {settings.host}:{settings.port}; "
            "check the credentials in SMTP_URL)",
            permanent=False,
        )

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.scheme == "smtps":
            context = self.tls_context or ssl.create_default_context()
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
        if settings.scheme == "smtp+starttls":
            try:
                smtp.starttls(context=self.tls_context or ssl.create_default_context())
            except BaseException:
                _close_quietly(smtp)
                raise
        return smtp


def _close_quietly(smtp: smtplib.SMTP) -> None:
    # Once the message is accepted a failing QUIT must not turn into a retry (and a second copy).
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
