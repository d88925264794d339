"""API key handling shared by vendors and feed partners: issue, rotate with overlap, revoke, check secrets."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from accounts import client_credentials
from accounts.domain.vendor_credentials import ROTATION_OVERLAP
from accounts.feed_partners.models import FeedPartner, FeedPartnerCredential
from accounts.models import Base

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def session_with_partner() -> Session:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[FeedPartner.__table__, FeedPartnerCredential.__table__])
    session = Session(engine)
    session.add(
        FeedPartner(id="p1", name="P", slug="p", contact_email="p@example.org", created_by="staff", created_at=NOW)
    )
    session.flush()
    return session


def test_a_new_key_keeps_only_a_hash_and_accepts_its_secret():
    session = session_with_partner()
    issued = client_credentials.new_credential(
        session, FeedPartnerCredential, key_id="fpk_" + "0" * 20, secret="fps_one", now=NOW, feed_partner_id="p1"
    )
    credential = issued.credential
    assert issued.secret == "fps_one" and "fps_one" not in (credential.secret_hash, credential.secret_salt)
    assert credential.status == client_credentials.ACTIVE and credential.created_at == NOW
    assert client_credentials.accepts_secret(credential, "fps_one", NOW)
    assert not client_credentials.accepts_secret(credential, "fps_two", NOW)
    assert client_credentials.active_count(session, FeedPartnerCredential.feed_partner_id, "p1") == 1
    assert client_credentials.new_credential_out(issued)["secret"] == "fps_one"
    assert "secret" not in client_credentials.credential_out(credential)


def test_a_rotated_secret_overlaps_the_old_one_unless_immediately():
    session = session_with_partner()
    credential = client_credentials.new_credential(
        session, FeedPartnerCredential, key_id="fpk_" + "1" * 20, secret="fps_old", now=NOW, feed_partner_id="p1"
    ).credential
    rotated = client_credentials.rotate_secret(credential, "fps_new", NOW, immediately=False)
    assert rotated.secret == "fps_new" and credential.rotated_at == NOW
    assert credential.previous_secret_valid_until == NOW + ROTATION_OVERLAP
    assert client_credentials.accepts_secret(credential, "fps_new", NOW)
    assert client_credentials.accepts_secret(credential, "fps_old", NOW + ROTATION_OVERLAP - timedelta(seconds=1))
    assert not client_credentials.accepts_secret(credential, "fps_old", NOW + ROTATION_OVERLAP)

    client_credentials.rotate_secret(credential, "fps_newer", NOW, immediately=True)
    assert not client_credentials.accepts_secret(credential, "fps_new", NOW)
    assert client_credentials.accepts_secret(credential, "fps_newer", NOW)


def test_a_revoked_key_is_no_longer_counted_as_active():
    session = session_with_partner()
    credential = client_credentials.new_credential(
        session, FeedPartnerCredential, key_id="fpk_" + "2" * 20, secret="fps_x", now=NOW, feed_partner_id="p1"
    ).credential
    client_credentials.revoke(credential, NOW)
    session.flush()
    assert credential.status == client_credentials.REVOKED and credential.revoked_at == NOW
    assert client_credentials.active_count(session, FeedPartnerCredential.feed_partner_id, "p1") == 0
