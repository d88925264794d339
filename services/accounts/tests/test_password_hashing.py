from argon2 import PasswordHasher

from accounts.domain.password_hashing import dummy_hash, hash_password, needs_rehash, verify_password


def test_hash_verifies_its_password_and_no_other():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")


def test_same_password_hashes_differently_each_time():
    assert hash_password("correct horse battery") != hash_password("correct horse battery")


def test_password_typed_in_another_unicode_form_still_verifies():
    stored = hash_password("caf\u00e9 au lait please")
    assert verify_password(stored, "cafe\u0301 au lait please")


def test_hash_made_with_older_parameters_needs_rehash():
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("correct horse battery")
    assert needs_rehash(old)
    assert not needs_rehash(hash_password("correct horse battery"))


def test_damaged_hash_is_a_mismatch_not_an_error():
    assert not verify_password("not-a-hash", "correct horse battery")
    assert needs_rehash("not-a-hash")


def test_dummy_hash_matches_no_chosen_password():
    assert dummy_hash().startswith("$argon2id$")
    assert not verify_password(dummy_hash(), "correct horse battery")
