from notify.domain.link_email import compose_link_outcome_email, compose_link_request_email


def test_officers_are_asked_to_decide_a_link_request():
    email = compose_link_request_email(officer="ana", requester="ben", entity_id="2000001", role="agent")
    assert "ben" in email.subject and "2000001" in email.subject
    assert "ben asked to act for filer 2000001 as an agent." in email.text_body
    assert "approve or deny" in email.text_body
    assert "Hello ana," in email.html_body


def test_the_person_concerned_learns_a_revocation_and_a_role_change_in_plain_words():
    revoked = compose_link_outcome_email(username="ben", entity_id="2000001", outcome="revoked", role="agent")
    assert "You can no longer act for filer 2000001; your link as an agent was revoked." in revoked.text_body
    changed = compose_link_outcome_email(
        username="ben", entity_id="2000001", outcome="role_changed", role="viewer", previous_role="agent"
    )
    assert "You now act for filer 2000001 as a viewer instead of an agent." in changed.text_body
