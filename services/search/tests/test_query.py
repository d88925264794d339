from search.domain.query import MAX_TERMS, search_terms


def test_terms_are_the_words_without_punctuation_or_operators():
    assert search_terms('Friends "of" AND( example*') == ["friends", "of", "and", "example"]


def test_text_without_letters_or_digits_has_no_terms():
    assert search_terms('"() * -- _ ^ :') == []


def test_terms_keep_accented_letters_and_digits():
    assert search_terms("Peña F460") == ["peña", "f460"]


def test_repeated_words_count_once_and_terms_are_capped():
    assert search_terms("a a A") == ["a"]
    assert len(search_terms(" ".join(f"w{n}" for n in range(100)))) == MAX_TERMS
