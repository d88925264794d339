from cars_shared.web.auth import Principal
from correspondence.permissions import reader_of

NOW = 1_800_000_000


def principal(roles=("filer",), **claims):
    return Principal("user-1", "user1", roles, claims)


def test_any_link_in_the_claims_lets_the_user_read_the_entitys_letters():
    reader = reader_of(principal(entities=[{"entity_id": "1400001", "role": "viewer"}]), [], now=NOW)
    assert reader.entity_ids == {"1400001"}


def test_a_partner_reads_an_entity_only_until_the_grant_ends():
    claims = {"partner_grants": [{"entity_id": "1400001", "until": NOW + 60}, {"entity_id": "1400002", "until": NOW}]}
    assert reader_of(principal(("partner",), **claims), [], now=NOW).entity_ids == {"1400001"}


def test_a_link_approved_after_the_token_was_issued_comes_from_the_projection():
    assert reader_of(principal(), ["1400003"], now=NOW).entity_ids == {"1400003"}


def test_malformed_claims_give_no_access():
    claims = {"entities": ["1400001", {"role": "officer"}], "partner_grants": [{"entity_id": "1400001"}]}
    assert reader_of(principal(**claims), [], now=NOW).entity_ids == frozenset()
