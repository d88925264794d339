from correspondence.domain.compliance_letter import cause_of_staff_request, paragraphs_of
from correspondence.domain.filing_receipt import cause_of_filing_version
from correspondence.domain.late_filing_notice import warrants_notice
from correspondence.domain.notice import recipient_lines_of
from correspondence.domain.waiver_decision import WaiverDecision


def test_a_fine_is_written_about_when_it_opens_and_when_it_is_final_not_for_each_days_accrual():
    assert warrants_notice("entry-1", "entry-1", final=False)
    assert not warrants_notice("entry-2", "entry-1", final=False)
    assert warrants_notice("entry-3", "entry-1", final=True)


def test_accepted_and_amended_announcements_of_one_version_share_a_cause():
    assert cause_of_filing_version("filing-1", 1) == cause_of_filing_version("filing-1", 1)
    assert cause_of_filing_version("filing-1", 1) != cause_of_filing_version("filing-1", 2)


def test_staff_text_splits_into_paragraphs_at_blank_lines_only():
    body = "First line\ncontinues here.\r\n\r\n\n  Second paragraph.  \n\n"
    assert paragraphs_of(body) == ["First line continues here.", "Second paragraph."]


def test_a_resent_staff_request_has_the_same_cause():
    assert cause_of_staff_request("r-1") == cause_of_staff_request("r-1") != cause_of_staff_request("r-2")


def test_a_waiver_names_the_fine_it_waived():
    assert WaiverDecision.fine_described_by("Waiver: Late filing fine: F460") == "Late filing fine: F460"


def test_an_entity_not_yet_named_is_addressed_by_its_id_alone():
    assert recipient_lines_of("1400001", None) == ["Filer ID 1400001"]
    assert recipient_lines_of("1400001", "Friends") == ["Friends", "Filer ID 1400001"]
