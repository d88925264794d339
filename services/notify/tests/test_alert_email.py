from datetime import date

from notify.domain.alert_email import compose_confirmation_email, compose_filing_alert_email


def test_a_filing_alert_links_the_public_filing_and_the_unsubscribe_link_in_both_parts():
    email = compose_filing_alert_email(
        entity_id="1400001",
        entity_name="Friends of <Example>",
        form="F460",
        form_name="Recipient Committee Campaign Statement",
        amendment=1,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        link="https://cars.example/api/filings/v1/filings/f-1",
        unsubscribe="https://cars.example/api/notify/alerts/unsubscribe?subscription=s&token=t",
    )
    assert email.subject == "Friends of <Example> filed F460 amendment"
    assert (
        "an amendment (1) of its F460 Recipient Committee Campaign Statement for January 1, 2026 to June 30, 2026"
        in (email.text_body)
    )
    for body in (email.text_body, email.html_body):
        assert "https://cars.example/api/filings/v1/filings/f-1" in body
    assert "unsubscribe?subscription=s&token=t" in email.text_body
    assert "unsubscribe?subscription=s&amp;token=t" in email.html_body
    assert "Friends of &lt;Example&gt;" in email.html_body


def test_the_confirmation_says_nothing_is_sent_without_confirming():
    email = compose_confirmation_email(entity_id="1400001", confirm_link="https://cars.example/confirm?x=1")
    assert "Nothing will be sent unless you confirm" in email.text_body
    assert "https://cars.example/confirm?x=1" in email.text_body
