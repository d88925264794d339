import pytest

from accounts.domain.password_policy import (
    MAX_LENGTH,
    PasswordRejected,
    check_password,
    common_passwords,
    password_problem,
)


def test_a_long_uncommon_passphrase_is_accepted():
    assert check_password("correct horse battery", "jdoe") == "correct horse battery"


def test_password_has_at_least_twelve_characters():
    with pytest.raises(PasswordRejected, match="at least 12"):
        check_password("elevenchars", "jdoe")


def test_password_has_at_most_128_characters():
    assert password_problem("x" * MAX_LENGTH + "yz", "jdoe") is not None
    assert password_problem("quiet river " * 10 + "stone", "jdoe") is None


def test_no_composition_rule_is_imposed():
    assert password_problem("all lowercase words here", "jdoe") is None


def test_password_may_not_be_the_username_in_any_case():
    with pytest.raises(PasswordRejected, match="username"):
        check_password("Treasurer.Jane", "treasurer.jane")


def test_commonly_used_passwords_are_refused_in_any_case():
    with pytest.raises(PasswordRejected, match="commonly used"):
        check_password("Password1234", "jdoe")


def test_the_shipped_common_password_list_is_loaded():
    assert len(common_passwords()) >= 100
    assert "qwerty123456" in common_passwords()


def test_length_counts_characters_after_unicode_normalisation():
    # Twelve full-width letters are twelve characters, not thirty-six bytes.
    assert password_problem("ｐａｓｓｐｈｒａｓｅｓｓｓ", "jdoe") is None
    assert password_problem("ｐａｓｓｗｏｒｄ１２３４", "jdoe") is not None
