from datetime import date

import pytest

from fees.domain.late_filing import (
    CapBasis,
    WaiverRefused,
    check_waiver,
    days_late_on,
    fine_for,
    notice_unanswered,
    rule_on,
)

RULE = rule_on(date(2026, 7, 31))


def test_ten_dollars_a_day_from_the_deadline():
    assert fine_for(RULE, 3, None).amount_cents == 3000


@pytest.mark.parametrize(("days", "cents"), [(1, 1000), (9, 9000), (10, 10000), (11, 10000), (400, 10000)])
def test_capped_at_one_hundred_dollars_while_the_reported_amount_is_not_known(days, cents):
    fine = fine_for(RULE, days, None)
    assert (fine.amount_cents, fine.cap_cents, fine.cap_basis) == (cents, 10000, CapBasis.MINIMUM)


def test_capped_at_the_reported_amount_when_greater_than_one_hundred_dollars():
    fine = fine_for(RULE, 40, 25000)
    assert (fine.amount_cents, fine.cap_cents, fine.cap_basis) == (25000, 25000, CapBasis.REPORTED_AMOUNT)
    assert fine_for(RULE, 20, 25000).amount_cents == 20000


def test_a_reported_amount_below_one_hundred_dollars_leaves_the_minimum_cap():
    fine = fine_for(RULE, 30, 4000)
    assert (fine.amount_cents, fine.cap_basis) == (10000, CapBasis.MINIMUM)


def test_days_late_count_as_filings_counts_them_across_leap_day():
    assert days_late_on(date(2028, 2, 28), date(2028, 3, 1)) == 2
    assert days_late_on(date(2027, 2, 28), date(2027, 3, 1)) == 1
    assert days_late_on(date(2026, 7, 31), date(2026, 7, 31)) == 0


def waive(**changes):
    arguments = {
        "wilful": False,
        "reason": "Treasurer was in hospital",
        "already_waived": False,
        "notice_sent_on": None,
        "filed_on": date(2026, 8, 3),
        "today": date(2026, 9, 1),
    }
    check_waiver(RULE, **{**arguments, **changes})


def test_staff_may_waive_a_fine_for_lateness_that_was_not_wilful():
    waive()


def test_wilful_lateness_is_not_waived():
    with pytest.raises(WaiverRefused, match="wilful") as refused:
        waive(wilful=True)
    assert refused.value.field == "wilful"


def test_a_waiver_needs_a_reason():
    with pytest.raises(WaiverRefused) as refused:
        waive(reason="   ")
    assert refused.value.field == "reason"


def test_a_fine_is_waived_once():
    with pytest.raises(WaiverRefused, match="already"):
        waive(already_waived=True)


def test_a_filing_made_within_the_notice_period_may_still_be_waived():
    waive(notice_sent_on=date(2026, 8, 1), filed_on=date(2026, 8, 31), today=date(2026, 12, 1))


def test_no_waiver_once_a_written_notice_went_unanswered_for_the_notice_period():
    with pytest.raises(WaiverRefused, match="unanswered"):
        waive(notice_sent_on=date(2026, 8, 1), filed_on=date(2026, 9, 1))
    with pytest.raises(WaiverRefused, match="unanswered"):
        waive(notice_sent_on=date(2026, 8, 1), filed_on=None, today=date(2026, 9, 1))


def test_a_notice_still_within_its_period_is_not_yet_unanswered():
    assert not notice_unanswered(RULE, date(2026, 8, 1), None, date(2026, 8, 31))
    assert notice_unanswered(RULE, date(2026, 8, 1), None, date(2026, 9, 1))
    assert not notice_unanswered(RULE, None, None, date(2030, 1, 1))
