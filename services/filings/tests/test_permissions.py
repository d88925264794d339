import pytest

from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden
from filings.domain.intake import Space
from filings.permissions import Caller, may_read_full, may_read_submission, require_may_submit

ENTITY = "2000001"
OFFICER = {"entities": [{"entity_id": ENTITY, "role": "officer"}]}
SIGNED_IN_FULLY = {"email_verified": True, "mfa": True}


def person(roles=("filer",), **claims):
    return Caller.of(Principal("user-1", "user1", roles, claims))


def vendor(scope, authorised=(), vendor_id="vendor-1", **claims):
    entities = [{"entity_id": entity_id, "role": "agent"} for entity_id in authorised] if scope == "production" else []
    principal = Principal(
        f"vendor:{vendor_id}",
        "Acme Filing Software",
        ("vendor",),
        {
            "vendor_id": vendor_id,
            "scope": scope,
            "authorised_entities": list(authorised),
            "entities": entities,
            **claims,
        },
    )
    return Caller.of(principal)


def test_an_officer_or_agent_with_a_verified_address_and_mfa_files_in_production():
    require_may_submit(person(**OFFICER, **SIGNED_IN_FULLY), ENTITY, vendor_certified=False)
    agent = {"entities": [{"entity_id": ENTITY, "role": "agent"}]}
    require_may_submit(person(**agent, **SIGNED_IN_FULLY), ENTITY, vendor_certified=False)
    assert person(**OFFICER).space == Space.PRODUCTION


@pytest.mark.parametrize("claims", [{"entities": [{"entity_id": ENTITY, "role": "viewer"}]}, {"entities": []}, {}])
def test_viewers_and_strangers_do_not_file(claims):
    with pytest.raises(Forbidden):
        require_may_submit(person(**claims, **SIGNED_IN_FULLY), ENTITY, vendor_certified=False)


@pytest.mark.parametrize(
    "claims", [{"email_verified": False, "mfa": True}, {"email_verified": True, "mfa": False}, {"mfa": True}, {}]
)
def test_filing_needs_a_verified_address_and_mfa_stated_by_the_token(claims):
    with pytest.raises(Forbidden):
        require_may_submit(person(**OFFICER, **claims), ENTITY, vendor_certified=False)
    with pytest.raises(Forbidden):
        require_may_submit(person(**claims), None, vendor_certified=False)


def test_any_fully_signed_in_person_registers_a_new_entity():
    require_may_submit(person(**SIGNED_IN_FULLY), None, vendor_certified=False)


def test_malformed_entity_claims_give_no_right():
    claims = {"entities": [ENTITY, {"entity_id": 2000001, "role": "officer"}, {"role": "officer"}], **SIGNED_IN_FULLY}
    with pytest.raises(Forbidden):
        require_may_submit(person(**claims), ENTITY, vendor_certified=False)


def test_a_sandbox_token_files_in_the_sandbox_whatever_the_certification():
    caller = vendor("sandbox")
    assert caller.space == Space.SANDBOX
    require_may_submit(caller, None, vendor_certified=False)
    require_may_submit(caller, "S0000001", vendor_certified=False)


def test_a_production_token_files_only_while_certified_and_only_for_entities_that_authorised_it():
    caller = vendor("production", authorised=[ENTITY])
    assert caller.space == Space.PRODUCTION
    require_may_submit(caller, ENTITY, vendor_certified=True)
    with pytest.raises(Forbidden, match="not certified"):
        require_may_submit(caller, ENTITY, vendor_certified=False)
    with pytest.raises(Forbidden, match="authorised"):
        require_may_submit(caller, "2000002", vendor_certified=True)


def test_vendors_do_not_register_new_entities_in_production():
    with pytest.raises(Forbidden, match="sandbox"):
        require_may_submit(vendor("production", authorised=[ENTITY]), None, vendor_certified=True)


def test_a_vendor_token_without_a_scope_files_nowhere():
    with pytest.raises(Forbidden):
        require_may_submit(vendor("everything", authorised=[ENTITY]), ENTITY, vendor_certified=True)


def test_a_vendor_role_without_a_vendor_id_is_treated_as_a_person_and_refused():
    caller = Caller.of(Principal("vendor:x", "x", ("vendor",), {"scope": "production"}))
    assert not caller.is_vendor
    with pytest.raises(Forbidden):
        require_may_submit(caller, ENTITY, vendor_certified=True)


def test_a_submission_is_read_by_its_submitter_and_by_staff_only():
    assert may_read_submission(person(), "user-1")
    assert not may_read_submission(person(), "user-2")
    assert may_read_submission(person(roles=("staff",)), "user-2")
    assert not may_read_submission(vendor("sandbox"), "user-1")
    assert may_read_submission(vendor("sandbox"), "vendor:vendor-1")


NOW = 1_800_000_000.0


def reads_in_full(caller, entity_id=ENTITY, space="production", vendor_id=None, now=NOW):
    return may_read_full(caller, entity_id=entity_id, space=space, vendor_id=vendor_id, now=now)


@pytest.mark.parametrize("role", ["officer", "agent", "viewer"])
def test_every_role_on_the_entity_reads_its_filings_in_full(role):
    caller = person(entities=[{"entity_id": ENTITY, "role": role}])
    assert reads_in_full(caller)
    assert not reads_in_full(caller, entity_id="2000002")


def test_people_of_other_entities_and_the_public_do_not_read_in_full():
    assert not reads_in_full(person(entities=[{"entity_id": "2000002", "role": "officer"}]))
    assert not reads_in_full(person())
    assert not reads_in_full(person(entities=[{"entity_id": ENTITY, "role": "treasurer"}]))


def test_a_partner_reads_in_full_only_while_the_grant_for_the_entity_runs():
    grant = {"partner_grants": [{"entity_id": ENTITY, "until": NOW + 60}]}
    assert reads_in_full(person(roles=("partner",), **grant))
    assert not reads_in_full(person(roles=("partner",), **grant), now=NOW + 60)
    assert not reads_in_full(person(roles=("partner",), **grant), entity_id="2000002")


def test_partner_grants_count_only_for_partners_and_only_when_well_formed():
    grant = {"partner_grants": [{"entity_id": ENTITY, "until": NOW + 60}]}
    assert not reads_in_full(person(roles=("filer",), **grant))
    malformed = {"partner_grants": [{"entity_id": ENTITY, "until": "forever"}, {"entity_id": ENTITY, "until": True}]}
    assert not reads_in_full(person(roles=("partner",), **malformed))


def test_staff_read_every_filing_in_full():
    staff = person(roles=("staff",))
    assert reads_in_full(staff)
    assert reads_in_full(staff, entity_id="S0000001", space="sandbox", vendor_id="vendor-1")


def test_a_vendor_reads_in_full_only_what_it_submitted_with_a_token_of_that_space():
    assert reads_in_full(vendor("production", authorised=[ENTITY]), vendor_id="vendor-1")
    assert reads_in_full(vendor("sandbox"), entity_id="S0000001", space="sandbox", vendor_id="vendor-1")
    assert not reads_in_full(vendor("sandbox"), vendor_id="vendor-1"), "a sandbox token reads no production filing"
    assert not reads_in_full(vendor("production", authorised=[ENTITY], vendor_id="vendor-2"), vendor_id="vendor-1")


def test_an_authorisation_to_file_gives_a_vendor_no_right_to_read_what_others_filed():
    assert not reads_in_full(vendor("production", authorised=[ENTITY]))
    assert not reads_in_full(vendor("production", authorised=[ENTITY]), vendor_id="vendor-2")


def test_sandbox_filings_are_read_in_full_by_no_person_linked_to_an_entity():
    caller = person(entities=[{"entity_id": "S0000001", "role": "officer"}])
    assert not reads_in_full(caller, entity_id="S0000001", space="sandbox", vendor_id="vendor-1")
