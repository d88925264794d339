import pytest

from accounts.domain.username import UsernameRejected, check_username, is_valid_username, username_key


@pytest.mark.parametrize("username", ["abc", "j.doe", "J_Doe-2026", "a" * 40])
def test_letters_digits_dots_underscores_and_hyphens_are_allowed(username):
    assert check_username(username) == username


@pytest.mark.parametrize("username", ["ab", "a" * 41, ""])
def test_username_has_three_to_forty_characters(username):
    with pytest.raises(UsernameRejected, match="3 to 40"):
        check_username(username)


@pytest.mark.parametrize("username", ["j doe", "jdoe@example.org", "jdoe\n", "jdöe", "ｊdoe"])
def test_spaces_symbols_and_non_ascii_letters_are_refused(username):
    assert not is_valid_username(username)


def test_username_key_ignores_letter_case():
    assert username_key("JDoe") == username_key("jdoe") == "jdoe"
