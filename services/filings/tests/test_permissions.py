import pytest

from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden
from filings.permissions import require_may_file, require_may_register


def principal(**claims):
    return Principal("user-1", "user1", ("filer",), claims)


OFFICER = {"entities": [{"entity_id": "2000001", "role": "officer"}]}


def test_an_officer_or_agent_with_a_verified_address_and_mfa_files():
    require_may_file(principal(**OFFICER, email_verified=True, mfa=True), "2000001", None)
    agent = {"entities": [{"entity_id": "2000001", "role": "agent"}]}
    require_may_file(principal(**agent, email_verified=True, mfa=True), "2000001", None)


@pytest.mark.parametrize("claims", [{"entities": [{"entity_id": "2000001", "role": "viewer"}]}, {"entities": []}])
def test_viewers_and_strangers_do_not_file(claims):
    with pytest.raises(Forbidden):
        require_may_file(principal(**claims, email_verified=True, mfa=True), "2000001", None)


def test_filing_needs_a_verified_address_and_mfa_when_the_token_states_them():
    with pytest.raises(Forbidden):
        require_may_file(principal(**OFFICER, email_verified=False, mfa=True), "2000001", None)
    with pytest.raises(Forbidden):
        require_may_file(principal(**OFFICER, email_verified=True, mfa=False), "2000001", None)
    with pytest.raises(Forbidden):
        require_may_register(principal(email_verified=False))


def test_the_claims_decide_over_the_projection_and_the_projection_covers_newer_links():
    viewer = {"entities": [{"entity_id": "2000001", "role": "viewer"}]}
    with pytest.raises(Forbidden):
        require_may_file(principal(**viewer), "2000001", "officer")
    require_may_file(principal(), "2000001", "officer")
