"""Identity through the gateway against PostgreSQL: verification, MFA, throttling, sessions, passwords, keys."""

import re
import time

import jwt
import pyotp
import pytest
from sqlalchemy import select

from accounts import handlers
from accounts.audit.models import AuditEntry
from accounts.domain.throttling import PER_ACCOUNT
from accounts.gateway import create_app
from accounts.signing_key import SigningKey
from cars_shared.messaging_tables import outbox
from cars_shared.web.auth import TokenVerifier

PASSWORD = "quiet river stone"
NEW_PASSWORD = "lantern over the bay"


@pytest.fixture
def database(migrated_database):
    return migrated_database("accounts")


@pytest.fixture
def client(database):
    app = create_app(database=database, signing_key=SigningKey.generate(), key_ring_max_age=0)
    return app.test_client()


def sign_up(client, username="JDoe", email="jdoe@example.org"):
    response = client.post("/api/accounts/users", json={"username": username, "email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return response.json["user_id"]


def sign_in(client, username="jdoe", password=PASSWORD, address="198.51.100.7"):
    return client.post(
        "/api/accounts/sessions",
        json={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def served_verifier(client):
    keys = client.get("/api/accounts/jwks.json").json["keys"]
    return TokenVerifier(keys={jwk["kid"]: jwt.PyJWK(jwk, algorithm="EdDSA").key for jwk in keys})


def claims(client, token):
    return served_verifier(client).verify(token).claims


def emailed_tokens(database, event_type, email=None):
    """Tokens of the links accounts queued for notify to e-mail, oldest first."""
    with database.session() as session:
        rows = session.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type).order_by(outbox.c.id))
        payloads = [row.envelope["payload"] for row in rows]
    urls = [p.get("verification_url") or p.get("reset_url") for p in payloads if email in (None, p["email"])]
    return [re.search(r"#token=([A-Za-z0-9_-]+)$", url).group(1) for url in urls]


def audit_actions(database):
    with database.session() as session:
        return [(e.action, e.outcome) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.sequence))]


def enrol(client, token):
    secret = client.post("/api/accounts/me/mfa/totp", headers=bearer(token)).json["secret"]
    confirmed = client.post(
        "/api/accounts/me/mfa/totp/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=bearer(token)
    )
    assert confirmed.status_code == 200, confirmed.json
    return secret, confirmed.json["recovery_codes"]


# --- e-mail verification -----------------------------------------------------------------------------------


def test_a_new_account_is_unverified_until_the_emailed_link_is_followed(client, database):
    user_id = sign_up(client)
    assert claims(client, sign_in(client).json["access_token"])["email_verified"] is False
    (token,) = emailed_tokens(database, "email_verification_requested")
    verified = client.post("/api/accounts/email-verifications", json={"token": token})
    assert verified.json == {"user_id": user_id, "email": "jdoe@example.org", "email_verified": True}
    assert claims(client, sign_in(client).json["access_token"])["email_verified"] is True


def test_a_verification_link_works_once(client, database):
    sign_up(client)
    (token,) = emailed_tokens(database, "email_verification_requested")
    assert client.post("/api/accounts/email-verifications", json={"token": token}).status_code == 200
    again = client.post("/api/accounts/email-verifications", json={"token": token})
    assert again.status_code == 422
    assert again.json["errors"][0]["field"] == "token"


def test_only_the_hash_of_an_emailed_token_is_stored(client, database):
    sign_up(client)
    (token,) = emailed_tokens(database, "email_verification_requested")
    with database.session() as session:
        stored = [row[0] for row in session.execute(select(handlers.OneTimeToken.token_hash))]
    assert token not in stored
    assert len(stored) == 1


def test_resending_verification_to_a_verified_address_is_a_409(client, database):
    sign_up(client)
    client.post(
        "/api/accounts/email-verifications", json={"token": emailed_tokens(database, "email_verification_requested")[0]}
    )
    token = sign_in(client).json["access_token"]
    assert client.post("/api/accounts/me/email-verification", headers=bearer(token)).status_code == 409


# --- MFA --------------------------------------------------------------------------------------------------


def test_without_mfa_a_token_says_mfa_false_and_password_only(client):
    sign_up(client)
    token_claims = claims(client, sign_in(client).json["access_token"])
    assert (token_claims["mfa"], token_claims["amr"], token_claims["mfa_required"]) == (False, ["pwd"], False)


def test_after_enrolment_sign_in_needs_a_second_step_with_a_totp_code(client):
    sign_up(client)
    secret, _codes = enrol(client, sign_in(client).json["access_token"])
    first = sign_in(client)
    assert first.json["status"] == "mfa_required"
    assert "access_token" not in first.json
    # The enrolment used the current code; a code is good once, so take the next step's.
    code = pyotp.TOTP(secret).at(int(time.time()) + 30)
    second = client.post("/api/accounts/sessions/mfa", json={"challenge": first.json["challenge"], "code": code})
    assert second.status_code == 200, second.json
    token_claims = claims(client, second.json["access_token"])
    assert token_claims["mfa"] is True
    assert token_claims["amr"] == ["pwd", "otp", "mfa"]


def test_a_totp_code_cannot_be_replayed(client):
    sign_up(client)
    secret, _codes = enrol(client, sign_in(client).json["access_token"])
    code = pyotp.TOTP(secret).at(int(time.time()) + 30)
    challenge = sign_in(client).json["challenge"]
    assert client.post("/api/accounts/sessions/mfa", json={"challenge": challenge, "code": code}).status_code == 200
    challenge = sign_in(client).json["challenge"]
    replay = client.post("/api/accounts/sessions/mfa", json={"challenge": challenge, "code": code})
    assert replay.status_code == 401


def test_recovery_codes_are_shown_once_and_each_signs_in_once(client, database):
    sign_up(client)
    _secret, codes = enrol(client, sign_in(client).json["access_token"])
    assert len(codes) == 10 and len(set(codes)) == 10
    with database.session() as session:
        stored = [row[0] for row in session.execute(select(handlers.RecoveryCode.code_hash))]
    assert not set(codes) & set(stored)
    challenge = sign_in(client).json["challenge"]
    used = client.post("/api/accounts/sessions/mfa", json={"challenge": challenge, "code": codes[0]})
    assert used.status_code == 200
    assert claims(client, used.json["access_token"])["amr"] == ["pwd", "rcode", "mfa"]
    challenge = sign_in(client).json["challenge"]
    reused = client.post("/api/accounts/sessions/mfa", json={"challenge": challenge, "code": codes[0]})
    assert reused.status_code == 401


def test_an_mfa_challenge_dies_after_too_many_wrong_codes(client):
    sign_up(client)
    enrol(client, sign_in(client).json["access_token"])
    challenge = sign_in(client).json["challenge"]
    answers = [
        client.post("/api/accounts/sessions/mfa", json={"challenge": challenge, "code": "000000"}).status_code
        for _ in range(PER_ACCOUNT.limit)
    ]
    assert set(answers) == {401}
    after = client.post("/api/accounts/sessions/mfa", json={"challenge": challenge, "code": "000000"})
    assert after.status_code in (401, 429)


def test_an_officer_without_mfa_gets_a_token_saying_mfa_is_required_but_missing(client, database):
    user_id = sign_up(client)
    with database.session() as session:
        handlers.link_registrant_to_entity(
            session,
            {"payload": {"entity_id": "1400001", "registered_by": user_id}},
        )
    token_claims = claims(client, sign_in(client).json["access_token"])
    assert (token_claims["mfa_required"], token_claims["mfa"]) == (True, False)


PERSON_CLAIMS = ("entities", "email_verified", "mfa")


def person_claims(client, tokens):
    """The claims gateways judge a person by, from the access token of a sign-in or refresh answer."""
    token_claims = claims(client, tokens["access_token"])
    return {name: token_claims[name] for name in PERSON_CLAIMS}


def test_every_sign_in_path_and_every_refresh_state_entities_email_verification_and_mfa(client, database):
    user_id = sign_up(client)
    by_password = sign_in(client).json
    assert person_claims(client, by_password) == {"entities": [], "email_verified": False, "mfa": False}
    (token,) = emailed_tokens(database, "email_verification_requested")
    client.post("/api/accounts/email-verifications", json={"token": token})
    with database.session() as session:
        handlers.link_registrant_to_entity(session, {"payload": {"entity_id": "1400001", "registered_by": user_id}})
    officer = [{"entity_id": "1400001", "role": "officer"}]
    refreshed = client.post("/api/accounts/sessions/refresh", json={"refresh_token": by_password["refresh_token"]})
    assert person_claims(client, refreshed.json) == {"entities": officer, "email_verified": True, "mfa": False}
    secret, _codes = enrol(client, refreshed.json["access_token"])
    challenge = sign_in(client).json["challenge"]
    code = pyotp.TOTP(secret).at(int(time.time()) + 30)
    by_mfa = client.post("/api/accounts/sessions/mfa", json={"challenge": challenge, "code": code}).json
    assert person_claims(client, by_mfa) == {"entities": officer, "email_verified": True, "mfa": True}
    refreshed = client.post("/api/accounts/sessions/refresh", json={"refresh_token": by_mfa["refresh_token"]})
    assert person_claims(client, refreshed.json) == {"entities": officer, "email_verified": True, "mfa": True}


def test_disabling_mfa_needs_the_password_and_a_code(client):
    sign_up(client)
    token = sign_in(client).json["access_token"]
    _secret, codes = enrol(client, token)
    wrong = client.post(
        "/api/accounts/me/mfa/totp/disable", json={"password": NEW_PASSWORD, "code": codes[0]}, headers=bearer(token)
    )
    assert (wrong.status_code, wrong.json["errors"][0]["field"]) == (403, "password")
    done = client.post(
        "/api/accounts/me/mfa/totp/disable", json={"password": PASSWORD, "code": codes[1]}, headers=bearer(token)
    )
    assert done.status_code == 204
    assert sign_in(client).json["status"] == "signed_in"


# --- throttling -------------------------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_with_retry_after_even_for_the_right_password(client, database):
    sign_up(client)
    for attempt in range(PER_ACCOUNT.limit):
        assert sign_in(client, password=f"wrong password {attempt}", address=f"203.0.113.{attempt}").status_code == 401
    locked = sign_in(client, address="203.0.113.200")
    assert locked.status_code == 429
    assert locked.mimetype == "application/problem+json"
    assert 0 < int(locked.headers["Retry-After"]) <= PER_ACCOUNT.window.total_seconds()
    counted = [entry for entry in audit_actions(database) if entry in {("sign_in", "failure"), ("lockout", "success")}]
    assert counted == [("sign_in", "failure")] * PER_ACCOUNT.limit + [("lockout", "success")]


def test_an_unknown_username_locks_out_like_a_known_one(client):
    answers = [sign_in(client, username="nobody", password=f"guess number {n}").status_code for n in range(6)]
    assert answers == [401] * PER_ACCOUNT.limit + [429]


def test_a_client_address_guessing_many_accounts_is_locked_out(client):
    answers = [sign_in(client, username=f"user{n}", address="192.0.2.9").status_code for n in range(31)]
    assert answers[:30] == [401] * 30
    assert answers[30] == 429
    assert sign_in(client, username="user0", address="192.0.2.10").status_code == 401


def test_an_unknown_user_costs_the_same_password_check_as_a_wrong_password(client, monkeypatch):
    """Both run one argon2 verification with today's parameters, so timing cannot tell them apart."""
    sign_up(client)
    checked = []
    verify = handlers.verify_password

    def recorded(stored_hash, password, hasher=None):
        checked.append(stored_hash.rsplit("$", 2)[0])  # the algorithm, its version and its parameters
        return verify(stored_hash, password, hasher)

    monkeypatch.setattr(handlers, "verify_password", recorded)
    assert sign_in(client, username="jdoe", password="not the password", address="198.51.100.1").status_code == 401
    assert sign_in(client, username="nobody", password="not the password", address="198.51.100.2").status_code == 401
    assert len(checked) == 2
    assert checked[0] == checked[1]
    assert checked[0].startswith("$argon2id$")


# --- sessions ---------------------------------------------------------------------------------------------


def test_a_refresh_token_is_rotated_on_every_use(client):
    sign_up(client)
    first = sign_in(client).json
    refreshed = client.post("/api/accounts/sessions/refresh", json={"refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200
    assert refreshed.json["refresh_token"] != first["refresh_token"]
    assert refreshed.json["session_id"] == first["session_id"]
    assert claims(client, refreshed.json["access_token"])["sid"] == first["session_id"]


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client, database):
    sign_up(client)
    first = sign_in(client).json
    second = client.post("/api/accounts/sessions/refresh", json={"refresh_token": first["refresh_token"]}).json
    stolen = client.post("/api/accounts/sessions/refresh", json={"refresh_token": first["refresh_token"]})
    assert stolen.status_code == 401
    legit = client.post("/api/accounts/sessions/refresh", json={"refresh_token": second["refresh_token"]})
    assert legit.status_code == 401
    assert ("session.reuse_detected", "refused") in audit_actions(database)


def test_sessions_are_listed_and_one_can_be_revoked(client):
    sign_up(client)
    mine = sign_in(client).json
    other = sign_in(client).json
    listed = client.get("/api/accounts/sessions", headers=bearer(mine["access_token"])).json["sessions"]
    assert {s["session_id"]: s["current"] for s in listed} == {mine["session_id"]: True, other["session_id"]: False}
    revoked = client.delete(f"/api/accounts/sessions/{other['session_id']}", headers=bearer(mine["access_token"]))
    assert revoked.status_code == 204
    assert (
        client.post("/api/accounts/sessions/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401
    )
    listed = client.get("/api/accounts/sessions", headers=bearer(mine["access_token"])).json["sessions"]
    assert [s["session_id"] for s in listed] == [mine["session_id"]]


def test_another_users_session_cannot_be_revoked(client):
    sign_up(client)
    sign_up(client, "other", "other@example.org")
    mine = sign_in(client).json
    theirs = sign_in(client, "other").json
    response = client.delete(f"/api/accounts/sessions/{theirs['session_id']}", headers=bearer(mine["access_token"]))
    assert response.status_code == 404


def test_sign_out_everywhere_ends_every_session(client, database):
    sign_up(client)
    sessions = [sign_in(client).json for _ in range(3)]
    assert client.delete("/api/accounts/sessions", headers=bearer(sessions[0]["access_token"])).status_code == 204
    for session in sessions:
        refresh = client.post("/api/accounts/sessions/refresh", json={"refresh_token": session["refresh_token"]})
        assert refresh.status_code == 401
    assert ("session.revoke_all", "success") in audit_actions(database)


# --- passwords and e-mail address ---------------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(client):
    sign_up(client)
    mine, other = sign_in(client).json, sign_in(client).json
    wrong = client.post(
        "/api/accounts/me/password",
        json={"current_password": "not my password", "password": NEW_PASSWORD},
        headers=bearer(mine["access_token"]),
    )
    assert (wrong.status_code, wrong.json["errors"][0]["field"]) == (403, "current_password")
    common = client.post(
        "/api/accounts/me/password",
        json={"current_password": PASSWORD, "password": "password1234"},
        headers=bearer(mine["access_token"]),
    )
    assert (common.status_code, common.json["errors"][0]["field"]) == (422, "password")
    changed = client.post(
        "/api/accounts/me/password",
        json={"current_password": PASSWORD, "password": NEW_PASSWORD},
        headers=bearer(mine["access_token"]),
    )
    assert changed.status_code == 204
    assert sign_in(client).status_code == 401
    assert sign_in(client, password=NEW_PASSWORD).status_code == 200
    assert (
        client.post("/api/accounts/sessions/refresh", json={"refresh_token": mine["refresh_token"]}).status_code == 200
    )
    assert (
        client.post("/api/accounts/sessions/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401
    )


def test_a_password_reset_sets_the_new_password_and_ends_every_session(client, database):
    sign_up(client)
    before = sign_in(client).json
    answer = client.post("/api/accounts/password-resets", json={"email": "JDoe@example.org"})
    assert answer.status_code == 202
    (token,) = emailed_tokens(database, "password_reset_requested")
    reset = client.post("/api/accounts/password-resets/complete", json={"token": token, "password": NEW_PASSWORD})
    assert reset.status_code == 204
    assert sign_in(client, password=NEW_PASSWORD).status_code == 200
    assert (
        client.post("/api/accounts/sessions/refresh", json={"refresh_token": before["refresh_token"]}).status_code
        == 401
    )
    again = client.post("/api/accounts/password-resets/complete", json={"token": token, "password": "another new one"})
    assert again.status_code == 422
    assert {("password.reset", "success"), ("password.reset_requested", "success")} <= set(audit_actions(database))


def test_a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(client, database):
    answer = client.post("/api/accounts/password-resets", json={"email": "nobody@example.org"})
    assert answer.status_code == 202
    assert emailed_tokens(database, "password_reset_requested") == []


def test_reset_links_are_limited_per_hour(client, database):
    sign_up(client)
    for _ in range(5):
        client.post("/api/accounts/password-resets", json={"email": "jdoe@example.org"})
    assert len(emailed_tokens(database, "password_reset_requested")) == 3


def test_a_new_email_address_takes_effect_once_verified_and_the_old_one_is_told(client, database):
    sign_up(client)
    token = sign_in(client).json["access_token"]
    wrong = client.post(
        "/api/accounts/me/email", json={"password": "nope", "email": "jane@example.net"}, headers=bearer(token)
    )
    assert wrong.status_code == 403
    requested = client.post(
        "/api/accounts/me/email", json={"password": PASSWORD, "email": "jane@example.net"}, headers=bearer(token)
    )
    assert requested.status_code == 202
    assert client.get("/api/accounts/me", headers=bearer(token)).json["email"] == "jdoe@example.org"
    (link,) = emailed_tokens(database, "email_verification_requested", email="jane@example.net")
    assert client.post("/api/accounts/email-verifications", json={"token": link}).status_code == 200
    me = client.get("/api/accounts/me", headers=bearer(token)).json
    assert (me["email"], me["email_verified"]) == ("jane@example.net", True)
    with database.session() as session:
        changed = session.scalar(select(outbox.c.envelope).where(outbox.c.event_type == "email_changed"))
    assert (changed["payload"]["old_email"], changed["payload"]["new_email"]) == (
        "jdoe@example.org",
        "jane@example.net",
    )
    assert ("email.change", "success") in audit_actions(database)


# --- signing keys ------------------------------------------------------------------------------------------


def test_tokens_of_the_previous_key_verify_after_rotation_and_fail_after_retirement(client, database):
    sign_up(client)
    old_token = sign_in(client).json["access_token"]
    with database.session() as session:
        new_key = handlers.rotate_signing_key(session)
    kids = [jwk["kid"] for jwk in client.get("/api/accounts/jwks.json").json["keys"]]
    assert kids[0] == new_key.kid and len(kids) == 2
    new_token = sign_in(client).json["access_token"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_key.kid
    for token in (old_token, new_token):
        assert client.get("/api/accounts/me", headers=bearer(token)).status_code == 200
    with database.session() as session:
        retired = handlers.retire_signing_keys(session)
    assert len(retired) == 1 and retired[0] != new_key.kid
    assert [jwk["kid"] for jwk in client.get("/api/accounts/jwks.json").json["keys"]] == [new_key.kid]
    assert client.get("/api/accounts/me", headers=bearer(old_token)).status_code == 401
    assert client.get("/api/accounts/me", headers=bearer(new_token)).status_code == 200


# --- the audit log ------------------------------------------------------------------------------------------


def test_sign_ins_and_their_failures_are_in_the_audit_log(client, database):
    sign_up(client)
    sign_in(client, password="not the password")
    sign_in(client)
    assert [entry for entry in audit_actions(database) if entry[0] == "sign_in"] == [
        ("sign_in", "failure"),
        ("sign_in", "success"),
    ]


def test_mfa_enrolment_and_session_revocation_are_in_the_audit_log(client, database):
    sign_up(client)
    signed_in = sign_in(client).json
    enrol(client, signed_in["access_token"])
    client.delete(f"/api/accounts/sessions/{signed_in['session_id']}", headers=bearer(signed_in["access_token"]))
    assert {("mfa.enrol", "success"), ("session.revoke", "success")} <= set(audit_actions(database))
