from itertools import count

from filings.domain.diff import FieldChange, LineChangeKind, LineTally, field_changes, line_changes

ADDED, REMOVED, CHANGED = LineChangeKind.ADDED, LineChangeKind.REMOVED, LineChangeKind.CHANGED


def contribution(name="Pat Donor", amount="100.00", **more):
    return {"contributor_name": name, "amount": amount, **more}


def numbered(*lines):
    return list(enumerate(lines, start=1))


def test_a_record_lists_each_changed_field_with_old_and_new_values():
    old = {"cash_on_hand": "1000.00", "contributions_received": "1500.00", "loans_received": "0.00"}
    new = {"cash_on_hand": "1000.00", "contributions_received": "1750.00", "loans_received": "250.00"}

    assert field_changes(old, new) == (
        FieldChange("contributions_received", "1500.00", "1750.00"),
        FieldChange("loans_received", "0.00", "250.00"),
    )


def test_identical_records_have_no_changes():
    assert field_changes({"name": "Friends of Example"}, {"name": "Friends of Example"}) == ()


def test_a_field_filled_in_or_cleared_is_a_change_but_blank_in_both_is_not():
    old = {"employer": None, "occupation": "Engineer", "memo": None}
    new = {"employer": "State of California", "memo": None}

    assert field_changes(old, new) == (
        FieldChange("employer", None, "State of California"),
        FieldChange("occupation", "Engineer", None),
    )


def test_a_record_part_only_in_one_version_shows_all_its_fields():
    assert field_changes(None, {"name": "Sam", "role": "treasurer"}) == (
        FieldChange("name", None, "Sam"),
        FieldChange("role", None, "treasurer"),
    )
    assert field_changes({"name": "Sam"}, None) == (FieldChange("name", "Sam", None),)


def test_changes_follow_the_declared_field_order():
    old = {"zip": "95814", "name": "A", "city": "Sacramento"}
    new = {"zip": "95816", "name": "B", "city": "Davis"}

    changes = field_changes(old, new, field_order=("name", "city", "zip"))

    assert [change.field for change in changes] == ["name", "city", "zip"]


def test_lines_are_matched_by_position_without_a_natural_key():
    old = numbered(contribution("Ann"), contribution("Bo", "250.00"), contribution("Cy"))
    new = numbered(contribution("Ann"), contribution("Bo", "300.00"), contribution("Cy"))

    changes = list(line_changes(old, new))

    assert len(changes) == 1
    assert (changes[0].kind, changes[0].old_line, changes[0].new_line) == (CHANGED, 2, 2)
    assert changes[0].fields == (FieldChange("amount", "250.00", "300.00"),)


def test_lines_beyond_the_shorter_version_are_added_or_removed():
    three = numbered(contribution("Ann"), contribution("Bo"), contribution("Cy"))
    one = numbered(contribution("Ann"))

    grown = list(line_changes(one, three))
    shrunk = list(line_changes(three, one))

    assert [(change.kind, change.line) for change in grown] == [(ADDED, 2), (ADDED, 3)]
    assert grown[0].fields == (FieldChange("contributor_name", None, "Bo"), FieldChange("amount", None, "100.00"))
    assert [(change.kind, change.line) for change in shrunk] == [(REMOVED, 2), (REMOVED, 3)]
    assert shrunk[1].fields[0] == FieldChange("contributor_name", "Cy", None)


def test_a_gap_in_the_numbering_is_an_added_and_a_removed_line():
    old = [(1, contribution("Ann")), (2, contribution("Bo"))]
    new = [(1, contribution("Ann")), (3, contribution("Cy"))]

    changes = list(line_changes(old, new))

    assert [(change.kind, change.old_line, change.new_line) for change in changes] == [
        (REMOVED, 2, None),
        (ADDED, None, 3),
    ]


def test_a_line_inserted_without_a_key_shifts_every_later_line():
    old = numbered(contribution("Ann"), contribution("Bo"))
    new = numbered(contribution("New"), contribution("Ann"), contribution("Bo"))

    changes = list(line_changes(old, new))

    assert [(change.kind, change.line) for change in changes] == [(CHANGED, 1), (CHANGED, 2), (ADDED, 3)]


def test_with_a_natural_key_an_inserted_line_is_the_only_change():
    old = numbered(contribution("Ann", id="T1"), contribution("Bo", id="T2"))
    new = numbered(contribution("New", id="T9"), contribution("Ann", id="T1"), contribution("Bo", "90.00", id="T2"))

    changes = list(line_changes(old, new, key=lambda line: line["id"]))

    assert [(change.kind, change.old_line, change.new_line) for change in changes] == [
        (CHANGED, 2, 3),
        (ADDED, None, 1),
    ]
    assert changes[0].fields == (FieldChange("amount", "100.00", "90.00"),)


def test_with_a_natural_key_removed_lines_come_before_added_ones_in_line_order():
    old = numbered(contribution("Ann", id="T1"), contribution("Bo", id="T2"), contribution("Cy", id="T3"))
    new = numbered(contribution("Cy", id="T3"), contribution("Di", id="T4"), contribution("Ed", id="T5"))

    changes = list(line_changes(old, new, key=lambda line: line["id"]))

    assert [(change.kind, change.line) for change in changes] == [
        (REMOVED, 1),
        (REMOVED, 2),
        (ADDED, 2),
        (ADDED, 3),
    ]


def test_a_repeated_natural_key_matches_its_occurrences_in_order():
    old = numbered(contribution("Ann", "10.00", id="T1"), contribution("Ann", "20.00", id="T1"))
    new = numbered(contribution("Ann", "10.00", id="T1"), contribution("Ann", "25.00", id="T1"))

    changes = list(line_changes(old, new, key=lambda line: line["id"]))

    assert [(change.old_line, change.new_line, change.fields) for change in changes] == [
        (2, 2, (FieldChange("amount", "20.00", "25.00"),))
    ]


def test_lines_are_read_as_the_diff_goes_not_all_at_once():
    read = {"old": 0, "new": 0}

    def endless(side, changed_every):
        for number in count(1):
            read[side] += 1
            yield number, contribution(amount="100.00" if number % changed_every else "999.00")

    changes = line_changes(endless("old", 10**9), endless("new", 1000))

    first = next(changes)

    assert (first.kind, first.line) == (CHANGED, 1000)
    assert read["old"] <= 1001 and read["new"] <= 1001


def test_a_tally_counts_each_kind_of_line_change():
    old = numbered(contribution("Ann"), contribution("Bo"), contribution("Cy"))
    new = numbered(contribution("Ann"), contribution("Bob"))
    tally = LineTally()

    for change in line_changes(old, new):
        tally.count(change)

    assert (tally.added, tally.removed, tally.changed, tally.total) == (0, 1, 1, 2)
