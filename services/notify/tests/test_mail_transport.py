import pytest

from notify.mail_transport import MailNotDelivered, OutgoingMail, SmtpSettings, SmtpTransport

MAIL_FROM = "CARS <no-reply@cars.example>"


def mail(recipient="jdoe@example.org"):
    return OutgoingMail("e-1", recipient, "A new notice is in your CARS account", "plain text", "<p>html</p>")


def test_plain_smtp_url_names_host_and_port():
    settings = SmtpSettings.from_url("smtp://mail.example:2525")
    assert (settings.scheme, settings.host, settings.port, settings.username) == ("smtp", "mail.example", 2525, None)


def test_starttls_url_carries_decoded_credentials_and_defaults_to_submission_port():
    settings = SmtpSettings.from_url("smtp+starttls://relay%40cars:p%2Fss@relay.example")
    assert (settings.port, settings.username, settings.password) == (587, "relay@cars", "p/ss")


def test_unknown_scheme_is_refused_at_configuration():
    with pytest.raises(ValueError, match="scheme"):
        SmtpSettings.from_url("http://relay.example")


def test_message_reaches_the_server_as_text_and_html_alternatives(smtp_sink):
    SmtpTransport(smtp_sink.url, MAIL_FROM).send(mail())
    [received] = smtp_sink.messages
    assert (received["To"], received["From"]) == ("jdoe@example.org", MAIL_FROM)
    assert received["Message-ID"] == "<e-1@cars.example>"
    assert received.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in received.get_payload()] == ["text/plain", "text/html"]


def test_unreachable_server_is_a_temporary_failure(unreachable_smtp_url):
    with pytest.raises(MailNotDelivered) as failure:
        SmtpTransport(unreachable_smtp_url, MAIL_FROM, timeout=5).send(mail())
    assert failure.value.permanent is False


def test_5xx_refusal_is_permanent(refusing_smtp):
    with pytest.raises(MailNotDelivered, match="550") as failure:
        SmtpTransport(refusing_smtp("550 5.1.1 No such mailbox"), MAIL_FROM).send(mail())
    assert failure.value.permanent is True


def test_4xx_refusal_is_temporary(refusing_smtp):
    with pytest.raises(MailNotDelivered, match="451") as failure:
        SmtpTransport(refusing_smtp("451 4.3.0 Try again later"), MAIL_FROM).send(mail())
    assert failure.value.permanent is False


def test_a_refused_login_is_a_temporary_failure_that_names_the_configuration(login_checking_smtp):
    server, received = login_checking_smtp
    with pytest.raises(MailNotDelivered, match="535") as failure:
        SmtpTransport(f"smtp://relay:wrong@{server}", MAIL_FROM, timeout=5).send(mail())
    assert failure.value.permanent is False
    assert "SMTP_URL" in str(failure.value) and "wrong" not in str(failure.value)
    assert received == []


def test_a_server_requiring_a_login_cars_was_not_given_is_a_temporary_failure(login_checking_smtp):
    server, received = login_checking_smtp
    with pytest.raises(MailNotDelivered, match="530") as failure:
        SmtpTransport(f"smtp://{server}", MAIL_FROM, timeout=5).send(mail())
    assert failure.value.permanent is False
    assert received == []


def test_the_right_login_gets_the_message_through(login_checking_smtp):
    server, received = login_checking_smtp
    SmtpTransport(f"smtp://relay:s3cret@{server}", MAIL_FROM, timeout=5).send(mail())
    assert received == [["jdoe@example.org"]]
