from notify.domain.account_email import (
    compose_email_changed_notice,
    compose_password_reset_email,
    compose_verification_email,
)

URL = "https://cars.example/account/verify-email#token=abc"


def test_verification_email_carries_the_link_in_both_parts_and_says_when_it_expires():
    content = compose_verification_email(username="jdoe", url=URL, expires="March 4, 2026 12:00 UTC")
    assert URL in content.text_body
    assert 'href="https://cars.example/account/verify-email#token=abc"' in content.html_body
    assert "March 4, 2026 12:00 UTC" in content.text_body


def test_reset_email_names_the_reset_and_escapes_the_username_in_html():
    content = compose_password_reset_email(username="<jdoe>", url=URL, expires="soon")
    assert "reset" in content.subject.lower()
    assert "&lt;jdoe&gt;" in content.html_body
    assert "<jdoe>" in content.text_body


def test_email_changed_notice_names_the_new_address_and_has_no_link():
    content = compose_email_changed_notice(username="jdoe", new_email="jane@example.net")
    assert "jane@example.net" in content.text_body
    assert "href" not in content.html_body
