from datetime import UTC, date, datetime

import pytest

from accounts.domain import entity_links as rules
from accounts.domain.entity_links import LinkRuleBroken


def test_staff_and_officers_manage_links_but_agents_and_viewers_do_not():
    assert rules.may_manage_links(["staff"], None)
    assert rules.may_manage_links(["administrator"], None)
    assert rules.may_manage_links(["filer"], "officer")
    assert not rules.may_manage_links(["filer"], "agent")
    assert not rules.may_manage_links(["partner"], "viewer")


@pytest.mark.parametrize("status", ["pending", "approved"])
def test_an_open_request_or_link_blocks_another_request(status):
    with pytest.raises(LinkRuleBroken):
        rules.check_may_request(status)


@pytest.mark.parametrize("status", [None, "denied", "revoked"])
def test_a_user_may_ask_again_after_a_denial_or_revocation(status):
    rules.check_may_request(status)


def test_the_last_officer_cannot_be_removed_or_downgraded():
    with pytest.raises(LinkRuleBroken):
        rules.check_officers_remain("officer", None, approved_officers=1)
    with pytest.raises(LinkRuleBroken):
        rules.check_officers_remain("officer", "agent", approved_officers=1)


def test_an_officer_can_leave_when_another_officer_remains():
    rules.check_officers_remain("officer", None, approved_officers=2)
    rules.check_officers_remain("agent", None, approved_officers=1)


def test_only_an_unclaimed_migrated_entity_is_claimed_at_once():
    assert rules.may_claim_at_once("legacy", approved_links=0)
    assert not rules.may_claim_at_once("legacy", approved_links=1)
    assert not rules.may_claim_at_once("new", approved_links=0)
    assert not rules.may_claim_at_once(None, approved_links=0)


def test_access_codes_are_random_readable_and_matched_however_typed():
    code = rules.new_access_code()
    assert len(code) == 19 and code.count("-") == 3
    assert code != rules.new_access_code()
    assert set(code.replace("-", "")) <= set(rules.ACCESS_CODE_ALPHABET)
    digest = rules.access_code_digest(code)
    assert code not in digest
    assert rules.access_code_matches(code.lower().replace("-", " "), digest)
    assert not rules.access_code_matches("AAAA-AAAA-AAAA-AAAA", digest)


def test_a_grant_cannot_end_before_it_starts_or_last_over_three_years():
    with pytest.raises(LinkRuleBroken):
        rules.check_grant_period(date(2026, 5, 1), date(2026, 4, 30))
    with pytest.raises(LinkRuleBroken):
        rules.check_grant_period(date(2026, 1, 1), date(2030, 1, 1))
    rules.check_grant_period(date(2026, 1, 1), date(2026, 1, 1))


def test_a_grant_is_active_from_its_first_to_its_last_day_unless_revoked():
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    assert rules.grant_active(start, end, False, date(2026, 1, 1))
    assert rules.grant_active(start, end, False, date(2026, 3, 31))
    assert not rules.grant_active(start, end, False, date(2026, 4, 1))
    assert not rules.grant_active(start, end, True, date(2026, 2, 1))


def test_a_grant_works_until_the_end_of_its_last_day_in_utc():
    assert rules.grant_until(date(2026, 3, 31)) == int(datetime(2026, 4, 1, tzinfo=UTC).timestamp())
