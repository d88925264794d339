import pytest

from notify.domain.recipients import RecipientsNotKnownYet, notice_recipients


def test_notice_addressed_to_a_user_goes_to_that_user_alone():
    assert notice_recipients("user-9", ["user-1", "user-2"]) == ["user-9"]


def test_notice_addressed_to_an_entity_goes_to_each_member_once():
    assert notice_recipients(None, ["user-2", "user-1", "user-2"]) == ["user-1", "user-2"]


def test_notice_with_nobody_known_yet_cannot_be_placed():
    with pytest.raises(RecipientsNotKnownYet):
        notice_recipients(None, [])
