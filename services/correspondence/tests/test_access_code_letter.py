from datetime import date

import pytest

from correspondence.domain import access_code_letter as rules
from correspondence.domain.access_code_letter import EntityAccessCodeLetter, MailingAddress

CODE = "K7QM-3XWP-9RTD-HV2F"
TODAY = date(2026, 7, 10)


def letter(**changes):
    values = {
        "number": "C-2026-000042",
        "issued_on": date(2026, 7, 2),
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "address": MailingAddress("1500 11th Street", "Sacramento", "CA", "95814"),
        "access_code": CODE,
        "expires_on": date(2026, 9, 30),
        "portal_url": "https://cars.example.org",
    }
    return EntityAccessCodeLetter(**(values | changes))


def test_address_prints_street_then_city_state_and_zip():
    assert MailingAddress("1500 11th Street", "Sacramento", "CA", "95814").lines() == [
        "1500 11th Street",
        "Sacramento, CA 95814",
    ]


def test_letter_is_addressed_to_the_entity_at_its_address_of_record():
    assert letter().recipient_lines() == ["Friends of Example", "1500 11th Street", "Sacramento, CA 95814"]


def test_code_is_set_apart_with_its_expiry_date():
    assert letter().code_lines() == (f"Access code: {CODE}", "Valid through September 30, 2026")


def test_instructions_name_the_portal_and_the_entity_id():
    steps = " ".join(letter().instructions())
    assert "https://cars.example.org" in steps
    assert "entity ID 1400001 as its officer" in steps


def test_closing_says_what_to_do_if_the_letter_was_not_expected():
    closing = " ".join(letter().closing())
    assert "If you did not expect this letter, do not use the code" in closing
    assert "C-2026-000042" in closing


def test_the_code_is_neither_in_the_letters_repr_nor_in_its_pdf_subject():
    assert CODE not in repr(letter())
    assert CODE not in letter().subject and "1400001" in letter().subject


def test_a_letter_with_an_address_waits_to_be_mailed():
    assert rules.status_on_arrival(has_address=True, newer_code_known=False) == rules.AWAITING_MAILING


def test_a_letter_without_an_address_is_undeliverable():
    assert rules.status_on_arrival(has_address=False, newer_code_known=False) == rules.UNDELIVERABLE


def test_a_letter_whose_entity_already_has_a_newer_code_is_superseded_on_arrival():
    assert rules.status_on_arrival(has_address=True, newer_code_known=True) == rules.SUPERSEDED


def test_only_a_letter_waiting_to_be_mailed_keeps_its_pdf():
    assert [status for status in rules.STATUSES if rules.holds_document(status)] == [rules.AWAITING_MAILING]


def test_a_code_is_valid_through_its_expiry_date():
    assert not rules.is_expired(date(2026, 9, 30), date(2026, 9, 30))
    assert rules.is_expired(date(2026, 9, 30), date(2026, 10, 1))


def test_a_mailed_or_expired_letter_is_not_printed():
    with pytest.raises(rules.LetterRuleBroken, match="is mailed, not waiting"):
        rules.check_printable("C-2026-000042", rules.MAILED, date(2026, 9, 30), TODAY)
    with pytest.raises(rules.LetterRuleBroken, match="expired on July 9, 2026"):
        rules.check_printable("C-2026-000042", rules.AWAITING_MAILING, date(2026, 7, 9), TODAY)


def test_a_letter_is_mailed_only_after_it_was_printed():
    with pytest.raises(rules.LetterRuleBroken, match="not been printed") as refused:
        rules.check_mailable("C-2026-000042", rules.AWAITING_MAILING, 0, TODAY, TODAY, TODAY)
    assert refused.value.field == "letter_ids"
    rules.check_mailable("C-2026-000042", rules.AWAITING_MAILING, 1, TODAY, TODAY, TODAY)


def test_a_letter_is_mailed_once():
    with pytest.raises(rules.LetterRuleBroken, match="is mailed"):
        rules.check_mailable("C-2026-000042", rules.MAILED, 1, TODAY, TODAY, TODAY)


def test_the_mailing_day_lies_between_the_letters_arrival_and_today():
    with pytest.raises(rules.InvalidMailingDate, match="future") as future:
        rules.check_mailable("C-2026-000042", rules.AWAITING_MAILING, 1, TODAY, date(2026, 7, 11), TODAY)
    assert future.value.field == "mailed_on"
    with pytest.raises(rules.InvalidMailingDate, match="did not exist yet"):
        rules.check_mailable("C-2026-000042", rules.AWAITING_MAILING, 1, TODAY, date(2026, 7, 9), TODAY)


def test_only_undeliverable_letters_are_resolved():
    rules.check_resolvable("C-2026-000042", rules.UNDELIVERABLE)
    with pytest.raises(rules.LetterRuleBroken, match="awaiting mailing; only undeliverable"):
        rules.check_resolvable("C-2026-000042", rules.AWAITING_MAILING)
