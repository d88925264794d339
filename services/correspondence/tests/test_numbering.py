import pytest

from correspondence.domain.numbering import correspondence_number


def test_number_is_year_and_six_digit_sequence():
    assert correspondence_number(2026, 1) == "C-2026-000001"
    assert correspondence_number(2026, 123456) == "C-2026-123456"


def test_sequence_starts_at_one():
    with pytest.raises(ValueError, match="start at 1"):
        correspondence_number(2026, 0)
