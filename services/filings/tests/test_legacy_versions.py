"""The snapshot of filing versions on file that line items' events are checked against."""

from array import array

from filings.legacy.versions import AMENDMENTS, VersionsOnFile, version_code


def test_numeric_filing_ids_become_one_number_per_version_and_others_none():
    assert version_code("900001", 2) == 900001 * AMENDMENTS + 2
    assert version_code("0900001", 2) is None, "a leading zero would make two IDs one number"
    assert version_code("F-2026-1", 0) is None
    assert version_code("900001", AMENDMENTS) is None
    assert version_code("\u0661\u0662", 0) is None, "digits of other scripts are not numbers here"


def test_versions_are_on_file_off_file_or_left_to_the_database():
    snapshot = VersionsOnFile(array("q", sorted([version_code("900001", 0), version_code("900001", 2)])))
    on_file, unknown = snapshot.split([("900001", 0), ("900001", 1), ("900001", 2), ("F-2026-1", 0)])
    assert on_file == [("900001", 0), ("900001", 2)]
    assert unknown == [("F-2026-1", 0)]
