from correspondence.domain.access import Reader, may_read

TREASURER = Reader(user_id="user-1", roles=("filer",), entity_ids={"1400001"})


def test_reader_sees_correspondence_addressed_to_them():
    assert may_read(TREASURER, "user-1", None)


def test_reader_sees_correspondence_of_an_entity_they_are_linked_to():
    assert may_read(TREASURER, None, "1400001")


def test_reader_does_not_see_another_entity_or_another_user():
    assert not may_read(TREASURER, None, "1400002")
    assert not may_read(TREASURER, "user-2", None)


def test_correspondence_addressed_to_nobody_is_seen_only_by_staff():
    assert not may_read(TREASURER, None, None)
    assert may_read(Reader(user_id="clerk", roles=("staff",), entity_ids=()), None, None)


def test_staff_see_everything():
    assert may_read(Reader(user_id="clerk", roles=("staff",), entity_ids=()), "user-2", "1400002")
