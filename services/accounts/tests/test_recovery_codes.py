from accounts.domain.recovery_codes import code_hash, looks_like_recovery_code, new_codes


def test_ten_distinct_codes_are_issued():
    codes = new_codes()
    assert len(codes) == len(set(codes)) == 10


def test_a_code_typed_with_other_case_spaces_or_no_dash_hashes_the_same():
    (code,) = new_codes(1)
    assert code_hash(code) == code_hash(code.upper()) == code_hash(code.replace("-", " ")) == code_hash(code + " ")


def test_the_hash_is_not_the_code():
    (code,) = new_codes(1)
    assert code not in code_hash(code)


def test_six_digit_totp_codes_are_not_mistaken_for_recovery_codes():
    assert looks_like_recovery_code(new_codes(1)[0])
    assert not looks_like_recovery_code("123456")
