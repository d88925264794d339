import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from notify.domain.alert_email import compose_shared_search_alert_email, compose_shared_search_confirmation_email
from notify.domain.alert_shares import is_newer_fact, share_key, share_token_in

TOKEN = "Ab0_-" + "x" * 38


@pytest.mark.parametrize(
    "given",
    [
        TOKEN,
        f"  {TOKEN} ",
        f"https://cars.example/api/search/shared/{TOKEN}",
        f"http://127.0.0.1:8000/api/search/shared/{TOKEN}/",
        f"https://cars.example/api/search/shared/{TOKEN}?limit=50",
    ],
)
def test_a_share_link_or_its_token_gives_the_token(given):
    assert share_token_in(given) == TOKEN


@pytest.mark.parametrize(
    "given",
    [
        "",
        TOKEN[:-1],
        TOKEN + "y",
        "x" * 42 + "!",
        f"https://cars.example/api/search/saved-searches/{TOKEN}",
        f"https://cars.example/api/search/shared/{TOKEN}/results",
        f"javascript:alert(1)//shared/{TOKEN}",
    ],
)
def test_anything_else_is_no_share_link(given):
    assert share_token_in(given) is None


def test_the_share_key_is_the_hex_sha256_of_the_token_as_search_announces_it():
    assert share_key(TOKEN) == hashlib.sha256(TOKEN.encode()).hexdigest()
    assert len(share_key(TOKEN)) == 64
    assert share_key(TOKEN) != share_key("y" * 43)


def test_only_a_fact_as_new_as_the_known_one_applies():
    known = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert is_newer_fact(known, None)
    assert is_newer_fact(known, known)
    assert is_newer_fact(known + timedelta(seconds=1), known)
    assert not is_newer_fact(known - timedelta(seconds=1), known)


def test_the_alert_of_a_shared_search_links_its_results_and_the_unsubscribe_link_in_both_parts():
    email = compose_shared_search_alert_email(
        name="Teachers <Sacramento>",
        new_results=1234,
        link=f"https://cars.example/api/search/shared/{TOKEN}",
        unsubscribe="https://cars.example/api/notify/alerts/unsubscribe?subscription=s&token=t",
    )
    assert email.subject == '1,234 new results for the shared search "Teachers <Sacramento>"'
    for body in (email.text_body, email.html_body):
        assert f"https://cars.example/api/search/shared/{TOKEN}" in body
    assert "unsubscribe?subscription=s&token=t" in email.text_body
    assert "unsubscribe?subscription=s&amp;token=t" in email.html_body
    assert "Teachers &lt;Sacramento&gt;" in email.html_body
    one = compose_shared_search_alert_email(name="N", new_results=1, link="https://l", unsubscribe="https://u")
    assert one.subject == '1 new result for the shared search "N"'


def test_the_confirmation_of_a_shared_search_names_it_and_says_nothing_is_sent_without_confirming():
    email = compose_shared_search_confirmation_email(name="Teachers", confirm_link="https://cars.example/confirm?x=1")
    assert email.subject == 'Confirm your CARS alerts for the shared search "Teachers"'
    assert "Nothing will be sent unless you confirm" in email.text_body
    assert "https://cars.example/confirm?x=1" in email.text_body
    assert 'href="https://cars.example/confirm?x=1"' in email.html_body
